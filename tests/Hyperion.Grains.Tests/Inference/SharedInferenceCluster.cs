namespace Hyperion.Grains.Tests.Inference;

/// <summary>One two-silo CPU cluster with the two-shard MLP registered, shared by the tests that do not kill silos.</summary>
public sealed class SharedInferenceCluster : IAsyncLifetime
{
    private InferenceCluster? _cluster;

    internal InferenceCluster Grid => _cluster ?? throw new InvalidOperationException("not started");

    internal Abstractions.Inference.ModelInfo Model { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _cluster = await InferenceCluster.StartAsync(2);
        Model = await _cluster.RegisterTwoShardMlpAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SharedInferenceClusterDefinition : ICollectionFixture<SharedInferenceCluster>
{
    public const string Name = "inference cluster";
}
