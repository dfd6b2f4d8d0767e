using Microsoft.Extensions.Logging;

namespace Hyperion.Gateway.Hosting;

/// <summary>
/// Lets a standalone gateway start before its silo: the first connection is retried every second
/// until it succeeds or the gateway is stopped (the readiness probe says "connecting" meanwhile).
/// </summary>
internal sealed partial class ClusterConnectionRetryFilter(ILogger<ClusterConnectionRetryFilter> logger) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        LogWaiting(logger, exception.GetBaseException().Message);
        await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Waiting for the cluster: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);
}
