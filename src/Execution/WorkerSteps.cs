using Hyperion.Core.Threading;

namespace Hyperion.Execution;

/// <summary>
/// The steps of a job that every worker of a <see cref="DedicatedWorkerPool"/> runs: a step's items are taken one at a
/// time by whichever workers are awake, and each worker then waits until all are done before the next step, so a
/// worker that wakes late, or is descheduled, holds up only the item it holds, not a barrier of every worker (on a
/// virtual machine, workers woken together start up to a few tenths of a millisecond apart).
/// </summary>
internal static class WorkerSteps
{
    /// <summary>
    /// Runs items of a step until none is left to take, then waits until all are done; false when the job stopped
    /// meanwhile (<paramref name="stopped"/>; an item that stops the job still counts as done).
    /// </summary>
    public static bool Run<TJob>(TJob job, ref int next, ref int done, int items, Action<TJob, int> run, Func<TJob, bool> stopped)
    {
        while (!stopped(job))
        {
            var item = Interlocked.Increment(ref next) - 1;
            if (item >= items)
            {
                break;
            }

            run(job, item);
            Interlocked.Increment(ref done);
        }

        return WaitFor(job, ref done, items, stopped) && !stopped(job);
    }

    /// <summary>
    /// Waits until <paramref name="flag"/> reaches <paramref name="target"/>, spinning and yielding but never sleeping
    /// (a Sleep(1) is a millisecond or more on Linux); false when the job stopped meanwhile.
    /// </summary>
    public static bool WaitFor<TJob>(TJob job, ref int flag, int target, Func<TJob, bool> stopped)
    {
        var spin = default(SpinWait);
        while (Volatile.Read(ref flag) < target)
        {
            if (stopped(job))
            {
                return false;
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }

        return true;
    }

    /// <summary>Raises <paramref name="lastStart"/> (a Stopwatch timestamp) to now: a job's record of its last worker's start.</summary>
    public static void NoteStart(ref long lastStart) => AtomicMax.Raise(ref lastStart, System.Diagnostics.Stopwatch.GetTimestamp());
}
