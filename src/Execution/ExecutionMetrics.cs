using System.Diagnostics.Metrics;

namespace Hyperion.Execution;

/// <summary>
/// The "Hyperion.Execution" meter: counters summed over blocks (the per-block figures are in
/// <see cref="BlockExecutionStats"/>). Recorded once per block, so the hot path never touches an instrument.
/// </summary>
public static class ExecutionMetrics
{
    public const string MeterName = "Hyperion.Execution";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Blocks = Meter.CreateCounter<long>("hyperion.execution.blocks", "{block}", "Blocks executed, by mode.");

    private static readonly Counter<long> Transactions = Meter.CreateCounter<long>("hyperion.execution.transactions", "{transaction}", "Transactions in executed blocks.");

    private static readonly Counter<long> Executions = Meter.CreateCounter<long>("hyperion.execution.executions", "{execution}", "Calls of the transaction executor.");

    private static readonly Counter<long> ReExecutions = Meter.CreateCounter<long>("hyperion.execution.reexecutions", "{execution}", "Executions of a transaction that had run before.");

    private static readonly Counter<long> Validations = Meter.CreateCounter<long>("hyperion.execution.validations", "{validation}", "Read-set validations.");

    private static readonly Counter<long> ValidationAborts = Meter.CreateCounter<long>("hyperion.execution.validation_aborts", "{abort}", "Validations that aborted a transaction.");

    private static readonly Counter<long> DependencySuspensions = Meter.CreateCounter<long>("hyperion.execution.dependency_suspensions", "{suspension}", "Executions suspended on a lower transaction.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("hyperion.execution.block_duration", "ms", "Time to execute a block.");

    private static readonly Counter<long> EmptySchedulerCalls = Meter.CreateCounter<long>("hyperion.execution.empty_scheduler_calls", "{call}", "Scheduler calls that handed a worker nothing.");

    // Where a parallel block's time went: "start" (set-up and the last worker's wake-up, or until the scheduler was done
    // if that came first), "schedule" (executions and validations until the scheduler is done), "final" (the final
    // values). Their sum is block_duration.
    private static readonly Histogram<double> PhaseDuration = Meter.CreateHistogram<double>("hyperion.execution.block_phase_duration", "ms", "Time a parallel block spent in each phase.");

    internal static void Record(BlockExecutionStats stats)
    {
        var mode = new KeyValuePair<string, object?>("mode", stats.Mode.ToString());
        Blocks.Add(1, mode);
        Transactions.Add(stats.TransactionCount, mode);
        Executions.Add(stats.Executions, mode);
        ReExecutions.Add(stats.ReExecutions, mode);
        Validations.Add(stats.Validations, mode);
        ValidationAborts.Add(stats.ValidationAborts, mode);
        DependencySuspensions.Add(stats.DependencySuspensions, mode);
        Duration.Record(stats.Elapsed.TotalMilliseconds, mode);
        EmptySchedulerCalls.Add(stats.EmptySchedulerCalls, mode);
        if (stats.LastWorkerStarted is { } lastStarted && stats.SchedulerDone is { } scheduled)
        {
            // A worker that wakes late may start after the others finished the work: the start phase ends at the
            // sooner of the two.
            var started = lastStarted < scheduled ? lastStarted : scheduled;
            PhaseDuration.Record(started.TotalMilliseconds, mode, new("phase", "start"));
            PhaseDuration.Record((scheduled - started).TotalMilliseconds, mode, new("phase", "schedule"));
            PhaseDuration.Record(Math.Max(0, (stats.Elapsed - scheduled).TotalMilliseconds), mode, new("phase", "final"));
        }
    }
}
