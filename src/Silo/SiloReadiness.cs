using Hyperion.Gateway.Health;
using Hyperion.Grains.Chain;
using Microsoft.Extensions.Hosting;

namespace Hyperion.Silo;

/// <summary>
/// The co-hosted gateway is ready while this silo is an active member of its cluster and its chains have started
/// (the head loaded and the account grains given the state), so the first balance read is already right.
/// </summary>
internal sealed class SiloReadiness(ISiloStatusOracle siloStatus, IHostApplicationLifetime lifetime, ChainKeeper chains) : IClusterReadiness
{
    public ClusterReadinessReport Check()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return new(false, "stopping");
        }

        var status = siloStatus.CurrentStatus;
        if (status == SiloStatus.Active && !chains.AllChainsStarted)
        {
            return new(false, $"silo {siloStatus.SiloAddress} is {status}; the chain is starting (loading its head from the block log)");
        }

        var description = $"silo {siloStatus.SiloAddress} is {status}";
        return new(status == SiloStatus.Active && lifetime.ApplicationStarted.IsCancellationRequested, description);
    }
}
