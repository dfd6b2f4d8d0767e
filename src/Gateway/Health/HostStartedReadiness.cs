using Microsoft.Extensions.Hosting;

namespace Hyperion.Gateway.Health;

/// <summary>
/// The fallback readiness: ready once every hosted service (the Orleans silo or client among them)
/// has started, and no longer once the host is stopping.
/// </summary>
public sealed class HostStartedReadiness(IHostApplicationLifetime lifetime) : IClusterReadiness
{
    public ClusterReadinessReport Check()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return new(false, "stopping");
        }

        return lifetime.ApplicationStarted.IsCancellationRequested
            ? new(true, "started")
            : new(false, "starting");
    }
}
