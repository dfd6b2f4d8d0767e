using Hyperion.Gateway.Health;
using Hyperion.Grains.Abstractions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hyperion.Gateway.Hosting;

/// <summary>
/// Readiness of a standalone gateway: its Orleans client has connected (the host only finishes starting once it
/// has), the chain has answered once through it, and it has not lost every gateway of the cluster since. The
/// first answer matters: right after connecting, the client may not yet know which silo implements the chain's
/// grains (the cluster manifest arrives a moment later), and a call then fails.
/// </summary>
internal sealed class ClusterClientReadiness(IHostApplicationLifetime lifetime, IGrainFactory grains, IOptions<GatewayOptions> options)
    : BackgroundService, IClusterReadiness, IClusterConnectionStatusObserver
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);
    private volatile bool _connectionLost;
    private volatile bool _chainAnswered;

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

        if (_connectionLost)
        {
            return new(false, "connection to the cluster lost");
        }

        return _chainAnswered
            ? new(true, "connected to the cluster")
            : new(false, $"connected; waiting for chain {options.Value.ChainId} to answer");
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways > 0)
        {
            _connectionLost = false;
        }
    }

    public void NotifyClusterConnectionLost() => _connectionLost = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        var reader = grains.GetChainReaderGrain(options.Value.ChainId);
        while (!_chainAnswered && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                await reader.GetHeadNumberAsync().WaitAsync(TimeSpan.FromSeconds(10), stoppingToken).ConfigureAwait(false);
                _chainAnswered = true;
            }
            catch (Exception exception) when (exception is not OperationCanceledException && exception is not OutOfMemoryException)
            {
                // Not yet: the manifest, the chain or the silos are still coming up.
                await Task.Delay(ProbeInterval, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
