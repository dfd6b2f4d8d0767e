using System.Diagnostics;

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
/// <remarks>
/// <para>
/// How a job reaches the workers matters at 16 cores, where a 10,000-transfer block takes about 2.5 ms: one lock and
/// one <c>PulseAll</c> (as before) woke the workers over 0.09–0.37 ms, each woken worker queueing on the lock, and
/// a job that followed another (a block's receipts) found them asleep again. So:
/// </para>
/// <list type="bullet">
/// <item>a job is published without a lock (the job, then its generation), and a worker that finished a job looks for
/// the next one for <see cref="IdleSpin"/> before it blocks: the finishing step of a block, a second job submitted as
/// soon as the first is done, finds every worker awake;</item>
/// <item>a blocked worker sleeps on a gate of its own and is woken by the submitter and by every worker that is
/// already up, each sweeping the gates (from opposite ends) and signalling those nobody has signalled yet. A wake-up's
/// cost is mostly the wakee's (a halted virtual processor takes 0.1 ms or more to run again), so the wake-ups are
/// all sent at once: a tree of wake-ups (tried: each worker waking two more) made those latencies add up, and the
/// last of 16 workers started 0.4–2.4 ms after the job on a 16-core VM.</item>
/// </list>
/// <para>
/// Sleeping without losing a wake-up: a worker says it is asleep (<see cref="WorkerGate.Asleep"/>), looks once more for a
/// job, and blocks only if there is none. A waker takes the flag back with an exchange and signals only a worker whose
/// flag it took; a worker that finds a job after saying it sleeps takes its own flag back, or, when a waker was first,
/// consumes that waker's signal, which is then on its way.
/// </para>
/// </remarks>
internal sealed class DedicatedWorkerPool : IDisposable
{
    /// <summary>How long a worker that finished a job keeps looking for the next before it blocks.</summary>
    internal static readonly TimeSpan IdleSpin = TimeSpan.FromMilliseconds(0.2);

    private static readonly long IdleSpinTicks = (long)(IdleSpin.TotalSeconds * Stopwatch.Frequency);

    private readonly Thread[] _threads;
    private readonly WorkerGate[] _gates;
    private readonly bool _pinThreads;
    private readonly object _queueGate = new();
    private readonly Queue<IWorkerJob> _pending = new();

    // Written under the queue's lock; read by the workers without it: the job, then the generation that announces it.
    private IWorkerJob? _current;
    private long _generation;
    private int _workersInCurrent;
    private volatile bool _disposed;

    /// <param name="threadCount">The threads.</param>
    /// <param name="name">What the threads are called (with their index).</param>
    /// <param name="pinThreads">Whether each thread pins itself to a processor of its own (see <see cref="WorkerAffinity"/>).</param>
    public DedicatedWorkerPool(int threadCount, string name, bool pinThreads = false)
    {
        _pinThreads = pinThreads;
        _threads = new Thread[threadCount];
        _gates = new WorkerGate[threadCount];
        for (var index = 0; index < threadCount; index++)
        {
            _gates[index] = new WorkerGate();
        }

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

    /// <summary>The workers blocked on their gates now (for tests: a job submitted then must wake them).</summary>
    internal int SleepingWorkers => _gates.Count(static gate => Volatile.Read(ref gate.Asleep) == 1);

    public void Submit(IWorkerJob job)
    {
        lock (_queueGate)
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
        lock (_queueGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            abandoned = [.. _pending];
            _pending.Clear();
        }

        Interlocked.MemoryBarrier();
        foreach (var gate in _gates)
        {
            gate.Wake();
        }

        foreach (var job in abandoned)
        {
            job.Abandon(new ObjectDisposedException(nameof(BlockStmExecutor)));
        }
    }

    /// <summary>Publishes <paramref name="job"/> (under the queue's lock) and wakes every sleeping worker.</summary>
    private void Start(IWorkerJob job)
    {
        _workersInCurrent = _threads.Length;
        Volatile.Write(ref _current, job);
        Volatile.Write(ref _generation, _generation + 1);

        // The generation must be visible before the gates are looked at (WorkerGate.Wake reads a flag before it takes
        // it): a worker that says it sleeps after this either sees the job or is seen asleep.
        Interlocked.MemoryBarrier();
        for (var index = 0; index < _gates.Length; index++)
        {
            _gates[index].Wake();
        }
    }

    /// <summary>A worker that is up helps wake the others, from the last gate down (the submitter goes up).</summary>
    private void WakeOthers(int workerIndex)
    {
        for (var index = _gates.Length - 1; index >= 0; index--)
        {
            if (index != workerIndex)
            {
                _gates[index].Wake();
            }
        }
    }

    private void WorkerLoop(int workerIndex)
    {
        if (_pinThreads)
        {
            WorkerAffinity.TryPinCurrentThread(workerIndex, _threads.Length);
        }

        var gate = _gates[workerIndex];
        long seenGeneration = 0;
        while (true)
        {
            // A job that started before disposal still gets every worker, or it would never complete.
            if (!AwaitJob(gate, seenGeneration))
            {
                return;
            }

            seenGeneration = Volatile.Read(ref _generation);
            var job = Volatile.Read(ref _current)!;
            WakeOthers(workerIndex);
            job.Run(workerIndex);
            if (Interlocked.Decrement(ref _workersInCurrent) == 0)
            {
                lock (_queueGate)
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

    /// <summary>Spins, then sleeps, until a job after <paramref name="seenGeneration"/> is published (true) or the pool is disposed (false).</summary>
    private bool AwaitJob(WorkerGate gate, long seenGeneration)
    {
        var deadline = Stopwatch.GetTimestamp() + IdleSpinTicks;
        var spin = default(SpinWait);
        while (true)
        {
            if (Volatile.Read(ref _generation) != seenGeneration)
            {
                return true;
            }

            if (_disposed)
            {
                return false;
            }

            if (Stopwatch.GetTimestamp() < deadline)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            Interlocked.Exchange(ref gate.Asleep, 1);
            if (Volatile.Read(ref _generation) != seenGeneration || _disposed)
            {
                if (Interlocked.Exchange(ref gate.Asleep, 0) == 0)
                {
                    // A waker took the flag first: its signal is on its way and must not be left for the next sleep.
                    gate.Sleep();
                }

                continue;
            }

            gate.Sleep();
            deadline = Stopwatch.GetTimestamp() + IdleSpinTicks;
        }
    }

    /// <summary>One worker's place to sleep: a flag saying it sleeps, and a signal only the waker that took the flag gives.</summary>
    private sealed class WorkerGate
    {
        private readonly object _lock = new();
        private bool _signaled;

        /// <summary>1 while the worker is (about to be) blocked and nobody has undertaken to wake it.</summary>
        public int Asleep;

        /// <summary>
        /// Signals the worker if it sleeps (and nobody else has signaled it). The flag is read before it is taken, so
        /// that the workers' sweeps over each other's gates do not write every gate's cache line; whoever made the job
        /// visible fences before it wakes (a worker helping has seen the job, which is then visible to all).
        /// </summary>
        public void Wake()
        {
            if (Volatile.Read(ref Asleep) == 0 || Interlocked.Exchange(ref Asleep, 0) == 0)
            {
                return;
            }

            lock (_lock)
            {
                _signaled = true;
                Monitor.Pulse(_lock);
            }
        }

        /// <summary>Blocks until the signal, and consumes it.</summary>
        public void Sleep()
        {
            lock (_lock)
            {
                while (!_signaled)
                {
                    Monitor.Wait(_lock);
                }

                _signaled = false;
            }
        }
    }
}
