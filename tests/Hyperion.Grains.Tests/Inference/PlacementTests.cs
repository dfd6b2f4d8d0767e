using Hyperion.Grains.Inference;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Testing;

namespace Hyperion.Grains.Tests.Inference;

/// <summary>Shards on GPU-announcing silos first, on CPU silos when none announces one, and failover when a silo dies.</summary>
public sealed class PlacementTests
{
    [Fact]
    public async Task Shard_replicas_go_to_the_silos_that_announce_a_gpu_and_on_distinct_ones()
    {
        await using var grid = await InferenceCluster.StartAsync(silos: 4, gpuSilos: [1, 3]);
        var model = await grid.RegisterTwoShardMlpAsync();

        var statuses = await grid.StatusesAsync(model);

        Assert.All(statuses, status => Assert.Contains(grid.SiloName(status.Silo), new[] { "Silo_1", "Silo_3" }));
        Assert.All(statuses, status => Assert.True(status.SiloHasGpu));
        foreach (var shard in statuses.GroupBy(status => status.Shard))
        {
            Assert.Equal(2, shard.Select(status => status.Silo).Distinct().Count());
        }

        // This build has no CUDA: the GPU silo asked for it and fell back to CPU, saying why.
        Assert.All(statuses, status =>
        {
            Assert.Equal(nameof(ExecutionProviderKind.Cpu), status.ServingProvider);
            Assert.False(string.IsNullOrEmpty(status.ProviderFallbackReason));
        });
        var result = await grid.Router.InferAsync(model.ModelId, SeededMlp.Input(2, 1).ToPayloads(), canonical: true);
        Assert.True(result.IsCanonical);
    }

    [Fact]
    public async Task Without_a_gpu_silo_shards_run_on_cpu_silos()
    {
        await using var grid = await InferenceCluster.StartAsync(silos: 3);
        var model = await grid.RegisterTwoShardMlpAsync();

        var statuses = await grid.StatusesAsync(model);

        Assert.All(statuses, status =>
        {
            Assert.False(status.SiloHasGpu);
            Assert.Equal(nameof(ExecutionProviderKind.Cpu), status.ServingProvider);
            Assert.Null(status.ProviderFallbackReason);
        });
        Assert.True(statuses.Select(status => status.Silo).Distinct().Count() >= 2, "replicas should spread over the CPU silos");
        var result = await grid.Router.InferAsync(model.ModelId, SeededMlp.Input(1, 2).ToPayloads(), canonical: true);
        Assert.True(result.IsCanonical);
    }

    [Fact]
    public async Task After_a_silo_is_killed_requests_move_to_a_live_replica_and_give_the_same_result()
    {
        await using var grid = await InferenceCluster.StartAsync(silos: 3);
        var model = await grid.RegisterTwoShardMlpAsync();
        using var pipeline = ModelPipeline.Open(InferenceCluster.TwoShardMlp, RuntimeProfile.Canonical);
        var input = SeededMlp.Input(2, 3);
        var expected = pipeline.Run(input).Outputs;
        var before = await grid.StatusesAsync(model);

        // Kill a silo that hosts a replica, other than the first one started.
        var victimAddress = before.Select(status => status.Silo).First(silo => grid.SiloName(silo) != "Silo_0");
        var victim = grid.Cluster.Silos.First(silo => silo.SiloAddress.ToString() == victimAddress);
        await grid.Cluster.KillSiloAsync(victim);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => grid.Router.InferAsync(model.ModelId, input.ToPayloads(), canonical: true)));

        Assert.All(results, result => Assert.Equal(expected, result.Outputs.ToTensorSet()));
        Assert.All(results.SelectMany(result => result.Shards), timing => Assert.NotEqual(victimAddress, timing.Silo));
        var after = await grid.StatusesAsync(model);
        Assert.All(after, status => Assert.NotEqual(victimAddress, status.Silo));
    }
}
