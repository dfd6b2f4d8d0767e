using Hyperion.Grains.Inference;

namespace Hyperion.Grains.Tests.Inference;

/// <summary>The precompile blocks on grain calls, so it refuses to run on a grain's scheduler thread rather than deadlock it.</summary>
[Collection(SharedInferenceClusterDefinition.Name)]
public sealed class GrainThreadGuardTests(SharedInferenceCluster shared)
{
    [Fact]
    public async Task The_precompile_refuses_to_run_on_a_grain_thread()
    {
        var call = InferencePrecompile.EncodeCall(InferenceCluster.TwoShardMlp.Manifest.ModelId, new byte[64]);

        var outcome = await shared.Grid.Client.GetGrain<IPrecompileProbeGrain>(0).CallAsync(call);

        Assert.Equal(nameof(InvalidOperationException), outcome);
    }
}

/// <summary>A test grain that calls the silo's inference precompile from inside a grain turn.</summary>
public interface IPrecompileProbeGrain : IGrainWithIntegerKey
{
    /// <summary>The name of the exception the precompile threw, or "ran".</summary>
    Task<string> CallAsync(byte[] calldata);
}

public sealed class PrecompileProbeGrain(InferencePrecompile precompile) : Grain, IPrecompileProbeGrain
{
    public Task<string> CallAsync(byte[] calldata)
    {
        try
        {
            precompile.GasCost(calldata);
            return Task.FromResult("ran");
        }
        catch (InvalidOperationException exception)
        {
            return Task.FromResult(exception.GetType().Name);
        }
    }
}
