using Hyperion.Grains.Abstractions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hyperion.Grains.Chain;

/// <summary>
/// Keeps every hosted chain producing blocks: each silo pings the chains' sequencers once a second, so after the
/// silo that hosted a sequencer (or coordinator) dies, the next ping reactivates it on a live silo within about a
/// second, with no client traffic needed.
/// </summary>
public sealed partial class ChainKeeper(IGrainFactory grains, ChainRegistry chains, ILogger<ChainKeeper> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);
    private volatile bool _allStarted;

    /// <summary>
    /// True once every hosted chain's sequencer answered, which means its coordinator has loaded the head and given
    /// the account grains the state (genesis included): before that a balance read could see an empty account.
    /// </summary>
    public bool AllChainsStarted => _allStarted;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            var started = 0;
            foreach (var chain in chains.Chains)
            {
                try
                {
                    await grains.GetSequencerGrain(chain.ChainId).EnsureStartedAsync().WaitAsync(TimeSpan.FromSeconds(30), stoppingToken).ConfigureAwait(false);
                    started++;
                }
                catch (Exception exception) when (exception is not OperationCanceledException && exception is not OutOfMemoryException)
                {
                    // The silo may still be joining, or the chain's grains moving: try again next period.
                    LogNotReady(logger, exception, chain.ChainId);
                }
            }

            _allStarted |= started == chains.Chains.Count;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Chain {ChainId}: sequencer not reachable yet")]
    private static partial void LogNotReady(ILogger logger, Exception exception, ulong chainId);
}
