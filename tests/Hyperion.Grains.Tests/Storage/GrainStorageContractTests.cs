using Hyperion.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Hyperion.Grains.Tests.Storage;

/// <summary>
/// The "hyperion" grain storage as a silo registers it through <see cref="HyperionStorageHosting.AddHyperionStorage"/>,
/// called directly (as the grain-state bridge does) so that etags can be played against each other.
/// </summary>
public abstract class GrainStorageContractTests : IAsyncLifetime
{
    private const string StateName = "probe";

    private InProcessTestCluster? _cluster;

    protected abstract HyperionStorageOptions StorageOptions { get; }

    private IGrainStorage Storage =>
        _cluster!.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(HyperionStorageOptions.GrainStorageName);

    public virtual async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddHyperionStorage(StorageOptions));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task State_round_trips_and_clears()
    {
        var grain = NewGrain();
        var missing = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(StateName, grain, missing);
        Assert.False(missing.RecordExists);
        Assert.Null(missing.ETag);
        Assert.NotNull(missing.State);

        var written = new GrainState<ProbeState>(ProbeState.Sample(1));
        await Storage.WriteStateAsync(StateName, grain, written);
        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);

        var read = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(StateName, grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        ProbeState.AssertEqual(ProbeState.Sample(1), read.State);

        read.State = ProbeState.Sample(2);
        await Storage.WriteStateAsync(StateName, grain, read);
        Assert.NotEqual(written.ETag, read.ETag);
        var again = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(StateName, grain, again);
        ProbeState.AssertEqual(ProbeState.Sample(2), again.State);

        await Storage.ClearStateAsync(StateName, grain, again);
        Assert.False(again.RecordExists);
        var cleared = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(StateName, grain, cleared);
        Assert.False(cleared.RecordExists);
        Assert.Empty(cleared.State!.Nonces);

        // The activation that cleared goes on writing with the etag the clear left it.
        again.State = ProbeState.Sample(3);
        await Storage.WriteStateAsync(StateName, grain, again);
        var last = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(StateName, grain, last);
        ProbeState.AssertEqual(ProbeState.Sample(3), last.State);
    }

    [Fact]
    public async Task A_write_or_clear_with_a_stale_etag_is_refused_and_changes_nothing()
    {
        var grain = NewGrain();
        var current = new GrainState<ProbeState>(ProbeState.Sample(4));
        await Storage.WriteStateAsync(StateName, grain, current);
        var stale = new GrainState<ProbeState>(ProbeState.Sample(5), current.ETag);
        await Storage.WriteStateAsync(StateName, grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, grain, stale));

        // An activation that found nothing (no etag) must not overwrite what another one wrote since.
        var late = new GrainState<ProbeState>(ProbeState.Sample(6));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, late));

        var read = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(StateName, grain, read);
        Assert.Equal(current.ETag, read.ETag);
        ProbeState.AssertEqual(ProbeState.Sample(4), read.State);
    }

    [Fact]
    public async Task Grains_and_state_names_are_kept_apart()
    {
        var one = NewGrain();
        var two = NewGrain();
        await Storage.WriteStateAsync(StateName, one, new GrainState<ProbeState>(ProbeState.Sample(7)));
        await Storage.WriteStateAsync("other", one, new GrainState<ProbeState>(ProbeState.Sample(8)));

        var read = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(StateName, two, read);
        Assert.False(read.RecordExists);
        await Storage.ReadStateAsync("other", one, read);
        ProbeState.AssertEqual(ProbeState.Sample(8), read.State);
    }

    private static GrainId NewGrain() => GrainId.Create("probe", Guid.NewGuid().ToString("N"));
}

/// <summary>The grain storage contract on SQLite (the embedded default).</summary>
public sealed class SqliteGrainStorageTests : GrainStorageContractTests
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("hyperion-grains-").FullName;

    protected override HyperionStorageOptions StorageOptions => HyperionStorageOptions.Embedded(_dataDirectory);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "grains", "state.db")));
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

/// <summary>The grain storage contract on Azure blobs (Azurite).</summary>
[Collection(AzuriteTestGroup.Name)]
public sealed class AzureGrainStorageTests(AzuriteServer azurite) : GrainStorageContractTests
{
    private readonly string _container = AzuriteServer.UniqueName("grainstate-");

    protected override HyperionStorageOptions StorageOptions =>
        HyperionStorageOptions.Azure(azurite.ConnectionString) with { AzureGrainStateContainer = _container };
}
