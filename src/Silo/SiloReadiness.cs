using Hyperion.Gateway.Health;
using Microsoft.Extensions.Hosting;

namespace Hyperion.Silo;

/// <summary>The co-hosted gateway is ready while this silo is an active member of its cluster.</summary>
internal sealed class SiloReadiness(ISiloStatusOracle siloStatus, IHostApplicationLifetime lifetime) : IClusterReadiness
{
    public ClusterReadinessReport Check()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return new(false, "stopping");
        }

        var status = siloStatus.CurrentStatus;
        var description = $"silo {siloStatus.SiloAddress} is {status}";
        return new(status == SiloStatus.Active && lifetime.ApplicationStarted.IsCancellationRequested, description);
    }
}
