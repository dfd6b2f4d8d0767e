namespace Hyperion.Execution;

/// <summary>
/// The end of an <see cref="IWorkerJob"/> that every worker of the pool runs: the first failure any worker reports is
/// the job's, and the last worker to finish completes the task (with that failure, or with success).
/// </summary>
internal sealed class WorkerJobCompletion(int workers)
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining = workers;
    private Exception? _failure;
    private readonly EarlyWake _wake = new();

    public Task Task => _completion.Task;

    /// <summary>Whether a worker has failed (the others may stop early).</summary>
    public bool HasFailed => Volatile.Read(ref _failure) is not null;

    /// <summary>The first failure a worker reported, or null.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Keeps the first failure.</summary>
    public void Fail(Exception failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    /// <summary>One worker is done with the job; the last one completes it.</summary>
    public void WorkerDone()
    {
        if (Interlocked.Decrement(ref _remaining) != 0)
        {
            return;
        }

        if (_failure is { } failure)
        {
            _completion.TrySetException(failure);
        }
        else
        {
            _completion.TrySetResult();
        }

        _wake.Signal();
    }

    /// <summary>The job is nearly done: its waiter may wake now (<see cref="EarlyWake"/>).</summary>
    public void NearlyDone() => _wake.Signal();

    /// <summary>Waits (on the caller's thread) until the job is complete, then throws its failure, if any.</summary>
    public void Wait()
    {
        _wake.Wait(_completion.Task);
        _completion.Task.GetAwaiter().GetResult();
    }

    /// <summary>The pool gave the job up before it started.</summary>
    public void Abandon(Exception reason)
    {
        _completion.TrySetException(reason);
        _wake.Signal();
    }
}
