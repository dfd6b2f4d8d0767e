namespace Hyperion.Execution;

/// <summary>
/// How the thread that waits for a job on the workers learns that it is done. A blocked thread takes a while to run
/// again once woken: about half a millisecond on a virtual machine's idle processor (measured on a 16-core cloud VM,
/// where it was a sixth of a 10,000-transfer block), a wake-up the block's end would otherwise wait for. So the job
/// signals shortly before its end (<see cref="Signal"/>: once the part that decides its length is over), the waiter
/// wakes while the last step runs, and then spins, yielding its processor to any runnable worker, until the job is
/// done. A job that never signals early is waited for as before: the signal comes with its end.
/// </summary>
internal sealed class EarlyWake
{
    private readonly object _gate = new();
    private volatile bool _signaled;

    /// <summary>The job is nearly done, or done (every end of a job must signal, or its waiter blocks for good).</summary>
    public void Signal()
    {
        if (_signaled)
        {
            return;
        }

        lock (_gate)
        {
            _signaled = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Blocks until the signal, then spins until <paramref name="job"/> is complete.</summary>
    public void Wait(Task job)
    {
        if (!job.IsCompleted && !_signaled)
        {
            lock (_gate)
            {
                while (!_signaled)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        var spin = default(SpinWait);
        while (!job.IsCompleted)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}
