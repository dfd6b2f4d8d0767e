using Hyperion.Gateway.Health;
using Microsoft.Extensions.Hosting;

namespace Hyperion.Gateway.Hosting;

/// <summary>
/// Readiness of a standalone gateway: its Orleans client has connected (the host only finishes
/// starting once it has) and has not lost every gateway of the cluster since.
/// </summary>
internal sealed class ClusterClientReadiness(IHostApplicationLifetime lifetime) : IClusterReadiness, IClusterConnectionStatusObserver
{
    private volatile bool _connectionLost;

    public ClusterReadinessReport Check()
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return new(false, "stopping");
        }

        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return new(false, "connecting to the cluster");
        }

        return _connectionLost
            ? new(false, "connection to the cluster lost")
            : new(true, "connected to the cluster");
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways > 0)
        {
            _connectionLost = false;
        }
    }

    public void NotifyClusterConnectionLost() => _connectionLost = true;
}
