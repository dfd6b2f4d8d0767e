using Hyperion.Grains.Abstractions;
using Hyperion.Grains.Chain;
using Hyperion.Grains.Storage;
using Orleans.TestingHost;

namespace Hyperion.Grains.Tests.Chain;

/// <summary>An in-process cluster hosting one chain on embedded storage in <c>dataDirectory</c> (shared by its silos).</summary>
internal sealed class GridCluster : IAsyncDisposable
{
    private GridCluster(InProcessTestCluster cluster, ulong chainId)
    {
        Cluster = cluster;
        ChainId = chainId;
    }

    public InProcessTestCluster Cluster { get; }

    public ulong ChainId { get; }

    public IClusterClient Client => Cluster.Client;

    public ISequencerGrain Sequencer => Client.GetSequencerGrain(ChainId);

    public IBlockCoordinatorGrain Coordinator => Client.GetBlockCoordinatorGrain(ChainId);

    public IChainReaderGrain Reader => Client.GetChainReaderGrain(ChainId);

    public static async Task<GridCluster> StartAsync(string dataDirectory, int silos, ChainOptions chain)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddHyperionStorage(HyperionStorageOptions.Embedded(dataDirectory));
            silo.AddHyperionChains(chain);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new GridCluster(cluster, chain.ChainId);
    }

    public async Task<Hash256> SubmitAsync(byte[] raw, Address sender)
    {
        var result = await Sequencer.SubmitAsync(raw, sender);
        Assert.True(result.Accepted, result.Error);
        return result.Hash;
    }

    /// <summary>Polls the reader until the receipt is there (readiness, not a fixed sleep).</summary>
    public async Task<ReceiptRecord?> WaitForReceiptAsync(Hash256 hash, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await Reader.GetReceiptAsync(hash) is { } receipt)
                {
                    return receipt;
                }
            }
            catch (Exception exception) when (exception is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException)
            {
                // A silo went away under the call; the grain reactivates elsewhere.
            }

            await Task.Delay(20);
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
