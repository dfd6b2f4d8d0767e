using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Sharding;

namespace Hyperion.Inference.Tests;

public sealed class ExecutionProviderTests
{
    private static readonly PackagedModel Model = ModelPackager.Package("mlp", SeededMlp.Build(), CutPoint.AtEach(["hidden1"]));

    [Fact]
    public void Cuda_falls_back_to_cpu_where_it_is_missing_and_says_so()
    {
        var input = SeededMlp.Input(7, seed: 5);
        using var canonical = ModelPipeline.Open(Model, TestProfiles.CanonicalSettings);
        var expected = canonical.Run(input);

        var cudaProfile = TestProfiles.CanonicalSettings with { Provider = ExecutionProviderKind.Cuda };
        using var pipeline = ModelPipeline.Open(Model, cudaProfile);
        var actual = pipeline.Run(input);

        foreach (var shard in pipeline.Shards)
        {
            if (shard.ActiveProvider == ExecutionProviderKind.Cpu)
            {
                Assert.NotNull(shard.ProviderFallbackReason);
                Assert.Contains("CUDA", shard.ProviderFallbackReason, StringComparison.Ordinal);
            }
            else
            {
                // Only a GPU build on a machine with CUDA gets here; its results are never canonical.
                Assert.True(OnnxRuntimeInfo.IsGpuBuild);
                Assert.False(shard.IsCanonical);
            }
        }

        if (!OnnxRuntimeInfo.IsGpuBuild)
        {
            Assert.All(pipeline.Shards, shard => Assert.Equal(ExecutionProviderKind.Cpu, shard.ActiveProvider));
        }

        var shardsFellBack = string.Join("; ", pipeline.Shards.Select(shard => shard.ProviderFallbackReason));
        if (pipeline.Shards.All(shard => shard.ActiveProvider == ExecutionProviderKind.Cpu))
        {
            // The fallback runs the canonical CPU computation, so it gives the canonical bits.
            Assert.False(TestProfiles.CudaExpected, shardsFellBack);
            Assert.Equal(TestProfiles.CanonicalRuntimeLoaded, actual.IsCanonical);
            Assert.Equal(expected.Commitment, actual.Commitment);
        }
        else
        {
            Assert.False(actual.IsCanonical);
            var gpuValues = actual.Outputs["output"].ToSingles();
            var cpuValues = expected.Outputs["output"].ToSingles();
            Assert.All(gpuValues.Zip(cpuValues), pair => Assert.True(MathF.Abs(pair.First - pair.Second) < 1e-4f));
        }
    }

    [Fact]
    public void Sharded_and_batched_runs_on_the_cuda_profile_agree_with_the_canonical_values()
    {
        var requests = new[] { 1, 4, 9 }.Select((rows, index) => SeededMlp.Input(rows, (ulong)(300 + index))).ToArray();
        using var canonical = ModelPipeline.Open(Model, TestProfiles.CanonicalSettings);
        using var fast = ModelPipeline.Open(Model, RuntimeProfile.Throughput(ExecutionProviderKind.Cuda, intraOpThreads: 1));

        var batched = fast.RunBatch(requests);

        Assert.Equal(TestProfiles.CudaExpected, fast.Shards.All(shard => shard.ActiveProvider == ExecutionProviderKind.Cuda));
        for (var request = 0; request < requests.Length; request++)
        {
            var expected = canonical.Run(requests[request]).Outputs["output"].ToSingles();
            var actual = batched[request].Outputs["output"].ToSingles();
            Assert.Equal(expected.Length, actual.Length);
            Assert.All(expected.Zip(actual), pair => Assert.True(MathF.Abs(pair.First - pair.Second) < 1e-4f, $"{pair.First} vs {pair.Second}"));
        }
    }

    [Fact]
    public void A_cuda_throughput_profile_falls_back_and_still_answers()
    {
        using var pipeline = ModelPipeline.Open(Model, RuntimeProfile.Throughput(ExecutionProviderKind.Cuda, intraOpThreads: 1));
        var result = pipeline.Run(SeededMlp.Input(2, seed: 2));

        Assert.False(result.IsCanonical);
        Assert.Equal([2L, SeededMlp.OutputWidth], result.Outputs["output"].Dimensions.ToArray());
    }
}
