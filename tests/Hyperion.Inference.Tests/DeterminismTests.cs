using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Sharding;
using Xunit.Abstractions;

namespace Hyperion.Inference.Tests;

public sealed class DeterminismTests(ITestOutputHelper output)
{
    private static readonly PackagedModel Model = ModelPackager.Package("mlp", SeededMlp.Build(), CutPoint.AtEach(["hidden1"]));

    [Fact]
    public void The_canonical_profile_is_pinned_and_checked_against_the_loaded_runtime()
    {
        if (!TestProfiles.CanonicalRuntimeLoaded)
        {
            // The GPU build loads ONNX Runtime 1.31.0: asking it for canonical results must fail, not mislabel them.
            Assert.Throws<CanonicalProfileException>(() => ModelPipeline.Open(Model, RuntimeProfile.Canonical));
            return;
        }

        Assert.Equal("1.31.1", OnnxRuntimeInfo.NativeVersion);
        using var pipeline = ModelPipeline.Open(Model, RuntimeProfile.Canonical);

        Assert.True(pipeline.IsCanonical);
        Assert.All(pipeline.Shards, shard => Assert.Equal(RuntimeProfile.Canonical, shard.EffectiveProfile));
        var canonical = RuntimeProfile.Canonical;
        Assert.Equal(
            (ExecutionProviderKind.Cpu, 1, 1, NodeExecutionMode.Sequential, GraphOptimization.Disabled, true, false),
            (canonical.Provider, canonical.IntraOpThreads, canonical.InterOpThreads, canonical.ExecutionMode, canonical.GraphOptimization, canonical.DeterministicCompute, canonical.DenormalsAsZero));
    }

    [Fact]
    public void Another_runtime_version_is_refused_for_the_canonical_profile()
    {
        var error = Assert.Throws<CanonicalProfileException>(() => OnnxSessionFactory.EnsureCanonicalProfileCanBeHonoured("1.31.0"));
        Assert.Contains("pinned to ONNX Runtime 1.31.1, but the loaded library is 1.31.0", error.Message, StringComparison.Ordinal);
        OnnxSessionFactory.EnsureCanonicalProfileCanBeHonoured("1.31.1");
    }

    [Fact]
    public void Many_runs_give_one_output_hash()
    {
        using var pipeline = ModelPipeline.Open(Model, TestProfiles.CanonicalSettings);
        var input = SeededMlp.Input(8, seed: 11);
        var first = pipeline.Run(input).Commitment;

        for (var run = 0; run < 300; run++)
        {
            Assert.Equal(first, pipeline.Run(input).Commitment);
        }
    }

    [Fact]
    public void Fresh_sessions_give_the_same_output_hash()
    {
        var input = SeededMlp.Input(8, seed: 12);
        var commitments = Enumerable.Range(0, 6).Select(_ =>
        {
            using var pipeline = ModelPipeline.Open(Model, TestProfiles.CanonicalSettings);
            return pipeline.Run(input).Commitment;
        }).ToList();

        Assert.All(commitments, commitment => Assert.Equal(commitments[0], commitment));
    }

    [Fact]
    public void Concurrent_runs_on_one_session_give_the_same_bits()
    {
        using var pipeline = ModelPipeline.Open(Model, TestProfiles.CanonicalSettings);
        var inputs = Enumerable.Range(0, 8).Select(seed => SeededMlp.Input(5, (ulong)seed)).ToArray();
        var expected = inputs.Select(input => pipeline.Run(input).Commitment).ToArray();

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 4 }, iteration =>
            Assert.Equal(expected[iteration % inputs.Length], pipeline.Run(inputs[iteration % inputs.Length]).Commitment));
    }

    [Fact]
    public void A_throughput_profile_is_never_canonical()
    {
        using var pipeline = ModelPipeline.Open(Model, RuntimeProfile.Throughput(ExecutionProviderKind.Cpu, intraOpThreads: 2));
        var result = pipeline.Run(SeededMlp.Input(3, seed: 1));

        Assert.False(pipeline.IsCanonical);
        Assert.False(result.IsCanonical);
        Assert.Equal(GraphOptimization.All, pipeline.Shards[0].EffectiveProfile.GraphOptimization);
    }

    [Fact]
    public void Reports_the_reference_commitment_for_comparison_across_machines()
    {
        // Not an assertion across machines (MLAS picks kernels per instruction set), but a line to compare by hand:
        // run with --logger "console;verbosity=detailed" on two machines and diff.
        using var pipeline = ModelPipeline.Open(Model, TestProfiles.CanonicalSettings);
        var commitment = pipeline.Run(SeededMlp.Input(8, seed: 2024)).Commitment;
        output.WriteLine(
            $"reference: onnxruntime={OnnxRuntimeInfo.NativeVersion} isa={OnnxRuntimeInfo.InstructionSetFamily} gpuBuild={OnnxRuntimeInfo.IsGpuBuild} " +
            $"model={pipeline.Manifest.ModelId} commitment={commitment.ComputeHash()} output={commitment.OutputHash}");
        Assert.Equal(2, commitment.ShardCount);
    }
}
