using System.Diagnostics;
using System.Reflection;
using Azure.Data.Tables;
using Hyperion.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Hyperion.Grains.Tests.Storage;

/// <summary>
/// Two silos on shared durable storage: a grain's persisted state outlives the silo it was written on, and every silo
/// opens the same block logs. The cluster gets its storage from <see cref="HyperionStorageHosting.AddHyperionStorage"/>,
/// as the node does.
/// </summary>
public abstract class StorageClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(60);

    protected InProcessTestCluster Cluster { get; private set; } = null!;

    protected abstract void ConfigureSilo(ISiloBuilder silo);

    protected virtual void ConfigureCluster(InProcessTestClusterBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            ConfigureSilo(silo);

            // Declare a killed silo dead within seconds rather than the production defaults' tens of seconds.
            silo.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(1);
                membership.NumMissedProbesLimit = 1;
                membership.NumVotesForDeathDeclaration = 1;
                membership.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            });
            silo.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromSeconds(10)));
        ConfigureCluster(builder);
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Persisted_state_is_read_back_after_its_silo_is_killed()
    {
        var grain = Cluster.Client.GetGrain<IStorageProbeGrain>("kill-" + Guid.NewGuid().ToString("N"));
        var expected = ProbeState.Sample(20);
        await grain.SetAsync(expected);
        var host = await grain.GetSiloAsync();
        var victim = Cluster.Silos.Single(silo => silo.SiloAddress.ToString() == host);

        await Cluster.KillSiloAsync(victim);

        // The grain's activation (and its in-memory state) died with the silo: what comes back is read from storage
        // by a new activation on the survivor, once membership has declared the victim dead.
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var actual = await grain.GetAsync();
                ProbeState.AssertEqual(expected, actual);
                Assert.NotEqual(host, await grain.GetSiloAsync());
                break;
            }
            catch (Exception exception) when (exception is not Xunit.Sdk.XunitException && watch.Elapsed < RecoveryLimit)
            {
                await Task.Delay(200);
            }
        }

        // And the survivor keeps writing to it.
        await grain.SetAsync(ProbeState.Sample(21));
        ProbeState.AssertEqual(ProbeState.Sample(21), await grain.GetAsync());
    }

    [Fact]
    public async Task Every_silo_opens_the_same_block_log_and_only_one_wins_a_number()
    {
        var logs = Cluster.Silos
            .Select(silo => silo.ServiceProvider.GetRequiredService<IBlockLogProvider>().Open(7))
            .ToArray();
        Assert.Equal(2, logs.Length);
        var ours = TestBlocks.Chain(count: 2, seed: 30);
        var theirs = TestBlocks.Chain(count: 2, seed: 31);

        await logs[0].AppendAsync(ours[0]);
        Assert.Equal(0UL, await logs[1].GetHeadNumberAsync());
        TestBlocks.AssertSame(ours[0], await logs[1].ReadAsync(0));

        var outcomes = await Task.WhenAll(TryAppendAsync(logs[0], ours[1]), TryAppendAsync(logs[1], theirs[1] with { ParentHash = ours[0].Hash }));
        Assert.Single(outcomes, won => won);
        Assert.Equal(1UL, await logs[0].GetHeadNumberAsync());
    }

    private static async Task<bool> TryAppendAsync(IBlockLog log, BlockLogEntry entry)
    {
        try
        {
            await log.AppendAsync(entry);
            return true;
        }
        catch (BlockLogConflictException)
        {
            return false;
        }
    }
}

/// <summary>Azure membership and Azure grain storage, against Azurite.</summary>
[Collection(AzuriteTestGroup.Name)]
public sealed class AzureStorageClusterTests(AzuriteServer azurite) : StorageClusterTests
{
    private readonly string _grainState = AzuriteServer.UniqueName("grainstate-");
    private readonly string _blockLog = AzuriteServer.UniqueName("blocklog-");
    private readonly string _blockIndex = AzuriteServer.UniqueName("blockindex");

    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.UseHyperionClustering(new HyperionClusteringOptions { Kind = HyperionClusteringKind.Azure, AzureConnectionString = azurite.ConnectionString })
            .AddHyperionStorage(HyperionStorageOptions.Azure(azurite.ConnectionString) with
            {
                AzureGrainStateContainer = _grainState,
                AzureBlockLogContainer = _blockLog,
                AzureBlockIndexTable = _blockIndex,
            });

    protected override void ConfigureCluster(InProcessTestClusterBuilder builder)
    {
        // The in-process test cluster puts its own in-memory membership table in front of any other, and offers no
        // public switch to turn it off (the option is internal in Orleans.TestingHost 10.x). Without this the Azure
        // table would be registered but never used. Fails loudly should the option be renamed.
        var option = typeof(InProcessTestClusterOptions).GetProperty("UseTestClusterMembership", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("InProcessTestClusterOptions.UseTestClusterMembership is gone: find the new way to use real membership.");
        option.SetValue(builder.Options, false);

        // The cluster client finds the gateways in the same table, as the standalone gateway does.
        builder.ConfigureClient(client => client.UseAzureStorageClustering(
            gateways => gateways.TableServiceClient = new TableServiceClient(azurite.ConnectionString)));
    }

    [Fact]
    public async Task Both_silos_are_in_the_Azure_membership_table()
    {
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient("OrleansSiloInstances");
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(entity => entity.PartitionKey == Cluster.Options.ClusterId))
        {
            rows.Add(row);
        }

        var silos = rows.Where(row => row.ContainsKey("SiloName")).ToList();
        Assert.Equal(2, silos.Count);
        Assert.All(silos, row => Assert.Equal("Active", row.GetString("Status")));
    }
}

/// <summary>Two silos of one process on one data folder: the SQLite grain storage is shared through the file.</summary>
public sealed class SqliteStorageClusterTests : StorageClusterTests
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("hyperion-cluster-").FullName;

    protected override void ConfigureSilo(ISiloBuilder silo) => silo.AddHyperionStorage(HyperionStorageOptions.Embedded(_dataDirectory));
}
