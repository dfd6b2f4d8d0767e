using System.Globalization;
using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Grains.Inference;
using Hyperion.Grains.Storage;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Sharding;
using Hyperion.Inference.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;

namespace Hyperion.Grains.Tests.Inference;

/// <summary>
/// An in-process cluster with the inference grains: the grid's embedded "hyperion" storage in a temporary folder (it
/// outlives a killed silo, as the registry needs; memory storage would lose whatever the dead silo held), silo
/// metadata on every silo (the silos at <c>gpuSilos</c> announce one GPU, the others zero), and the given options.
/// </summary>
internal sealed class InferenceCluster : IAsyncDisposable
{
    private readonly string _dataDirectory;

    private InferenceCluster(InProcessTestCluster cluster, string dataDirectory)
    {
        Cluster = cluster;
        _dataDirectory = dataDirectory;
    }

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    public IInferenceRouterGrain Router => Client.GetGrain<IInferenceRouterGrain>(0);

    /// <summary>The seeded MLP cut at hidden1: two shards.</summary>
    public static PackagedModel TwoShardMlp { get; } = ModelPackager.Package("seeded-mlp", SeededMlp.Build(), CutPoint.AtEach(["hidden1"]));

    public static async Task<InferenceCluster> StartAsync(int silos, int[]? gpuSilos = null, Action<InferenceOptions>? configure = null)
    {
        var gpus = new HashSet<int>(gpuSilos ?? []);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "hyperion-inference-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddHyperionStorage(HyperionStorageOptions.Embedded(dataDirectory));
            silo.AddHyperionInference(inference =>
            {
                inference.Replicas = 2;
                inference.FailoverTimeout = TimeSpan.FromSeconds(30);
                configure?.Invoke(inference);
            });
            silo.AnnounceInferenceGpus(gpus.Contains(SiloIndex(options.SiloName)) ? 1 : 0);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var result = new InferenceCluster(cluster, dataDirectory);
        await result.WaitForMetadataAsync();
        return result;
    }

    /// <summary>The in-process cluster names its silos Silo_0, Silo_1, ...; Silo_0 is the first one started.</summary>
    public static int SiloIndex(string siloName) =>
        int.Parse(siloName.AsSpan(siloName.LastIndexOf('_') + 1), CultureInfo.InvariantCulture);

    public string SiloName(string siloAddress) =>
        Cluster.Silos.First(silo => silo.SiloAddress.ToString() == siloAddress).Name;

    public Task<ModelInfo> RegisterTwoShardMlpAsync() =>
        Client.GetGrain<IModelCatalogGrain>(0).RegisterAsync("seeded-mlp", SeededMlp.Build(), ["hidden1"]);

    /// <summary>The status of every replica of every shard (activating them).</summary>
    public async Task<ShardStatus[]> StatusesAsync(ModelInfo model, int replicas = 2)
    {
        var statuses = new List<ShardStatus>();
        for (var shard = 0; shard < model.ShardCount; shard++)
        {
            for (var replica = 0; replica < replicas; replica++)
            {
                statuses.Add(await Client.GetGrain<IModelShardGrain>(ShardKeys.Format(model.ModelId, shard, replica)).GetStatusAsync());
            }
        }

        return [.. statuses];
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>Every silo's metadata cache knows every active silo's GPU announcement.</summary>
    public async Task WaitForMetadataAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var active = Cluster.GetActiveSilos().ToArray();
            var known = active.All(silo =>
            {
                var cache = Cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<ISiloMetadataCache>();
                return active.All(other => cache.GetSiloMetadata(other.SiloAddress).Metadata.ContainsKey(InferenceOptions.GpuMetadataKey));
            });
            if (known)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the silos never learned each other's metadata");
            }

            await Task.Delay(50);
        }
    }
}
