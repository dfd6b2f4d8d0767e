namespace Hyperion.Execution;

/// <summary>A job that every worker of a <see cref="DedicatedWorkerPool"/> runs once, each with its own index.</summary>
internal interface IWorkerJob
{
    /// <summary>Runs on one worker; must not throw (a job reports its own failures).</summary>
    void Run(int workerIndex);

    /// <summary>The pool was disposed before the job started.</summary>
    void Abandon(Exception reason);
}

/// <summary>
/// Threads of the executor's own, started once and kept for every block: Block-STM workers spin and block on
/// locks, which must never happen on thread-pool or Orleans scheduler threads. Jobs run one after another, each
/// on all the threads; a job's last worker to finish completes it (so its completion runs on a pool thread too).
/// </summary>
internal sealed class DedicatedWorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly bool _pinThreads;
    private readonly object _gate = new();
    private readonly Queue<IWorkerJob> _pending = new();
    private IWorkerJob? _current;
    private long _generation;
    private int _workersInCurrent;
    private bool _disposed;

    /// <param name="threadCount">The threads.</param>
    /// <param name="name">What the threads are called (with their index).</param>
    /// <param name="pinThreads">Whether each thread pins itself to a processor of its own (see <see cref="WorkerAffinity"/>).</param>
    public DedicatedWorkerPool(int threadCount, string name, bool pinThreads = false)
    {
        _pinThreads = pinThreads;
        _threads = new Thread[threadCount];
        for (var index = 0; index < threadCount; index++)
        {
            var workerIndex = index;
            _threads[index] = new Thread(() => WorkerLoop(workerIndex))
            {
                IsBackground = true,
                Name = $"{name} {index}",
            };
            _threads[index].Start();
        }
    }

    public int ThreadCount => _threads.Length;

    public void Submit(IWorkerJob job)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is null)
            {
                Start(job);
            }
            else
            {
                _pending.Enqueue(job);
            }
        }
    }

    /// <summary>Lets the threads end once the running job (if any) is done; queued jobs are abandoned. Does not wait.</summary>
    public void Dispose()
    {
        List<IWorkerJob> abandoned;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            abandoned = [.. _pending];
            _pending.Clear();
            Monitor.PulseAll(_gate);
        }

        foreach (var job in abandoned)
        {
            job.Abandon(new ObjectDisposedException(nameof(BlockStmExecutor)));
        }
    }

    private void Start(IWorkerJob job)
    {
        _current = job;
        _generation++;
        _workersInCurrent = _threads.Length;
        Monitor.PulseAll(_gate);
    }

    private void WorkerLoop(int workerIndex)
    {
        if (_pinThreads)
        {
            WorkerAffinity.TryPinCurrentThread(workerIndex, _threads.Length);
        }

        long seenGeneration = 0;
        while (true)
        {
            IWorkerJob job;
            lock (_gate)
            {
                // A job that started before disposal still gets every worker, or it would never complete.
                while (_current is null || _generation == seenGeneration)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    Monitor.Wait(_gate);
                }

                job = _current;
                seenGeneration = _generation;
            }

            job.Run(workerIndex);

            lock (_gate)
            {
                if (--_workersInCurrent == 0)
                {
                    _current = null;
                    if (_pending.TryDequeue(out var next))
                    {
                        Start(next);
                    }
                }
            }
        }
    }
}
