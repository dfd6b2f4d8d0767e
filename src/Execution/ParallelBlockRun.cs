using System.Diagnostics;
using Hyperion.Core.Threading;

namespace Hyperion.Execution;

/// <summary>
/// One block under Block-STM: the multi-version memory, the scheduler and the last inputs and outputs of the
/// transactions, and the loop every worker runs over them (the paper's Algorithm 1). The last worker to leave
/// turns the memory into the block's result, or runs the block sequentially when it turned out to be a chain.
/// </summary>
internal sealed class ParallelBlockRun<TKey, TValue, TOutput> : IWorkerJob
    where TKey : notnull
{
    private static readonly Func<ParallelBlockRun<TKey, TValue, TOutput>, bool> Halted = static run => run._halted;

    private readonly int _transactionCount;
    private readonly ITransactionExecutor<TKey, TValue, TOutput> _executor;
    private readonly IPreStateReader<TKey, TValue> _preState;
    private readonly BlockStmOptions _options;
    private readonly CancellationToken _cancellation;
    private readonly int _activeWorkers;
    private readonly MultiVersionMemory<TKey, TValue> _memory;
    private readonly Scheduler _scheduler;
    private readonly TxnLastInputOutput<TKey, TValue, TOutput> _lastInputOutput;

    /// <summary>
    /// The final values, one part per active worker, built by the workers together once the block is done; a part the
    /// executor took over itself stays null and is collected only if the result's state delta is asked for.
    /// </summary>
    private readonly Dictionary<TKey, TValue>?[] _finalParts;
    private readonly TaskCompletionSource<BlockExecutionResult<TKey, TValue, TOutput>> _completion =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly long _started = Stopwatch.GetTimestamp();

    // Where the block's time went (for BlockExecutionStats): the last worker's start and the first sight of the
    // scheduler done, as Stopwatch timestamps (0 until known).
    private long _lastWorkerStarted;
    private long _schedulerDoneAt;

    // Sorting the claim logs by part once the scheduler is done (claimed items, see WorkerSteps).
    private int _sortNext;
    private int _sortDone;

    // Building the final values' parts, once the claim logs are sorted (items too).
    private int _partNext;
    private int _partDone;

    // The outputs, gathered by the workers in stripes once the scheduler is done, and the lowest failed transaction they
    // found (int.MaxValue: none).
    private readonly TOutput[] _outputs;
    private readonly int _outputStripes;
    private int _lowestFailure = int.MaxValue;

    // The executor's end of the block (IBlockEnd), made by the first worker past the final step: 0 not yet, 1 being
    // made, 2 made (null when the executor has none).
    private int _blockEndState;
    private IBlockEndSteps? _blockEnd;
    private long _finalValuesDoneAt;
    private int _workersRemaining;
    private volatile bool _halted;
    private volatile bool _fallBackToSequential;
    private Exception? _engineFailure;

    /// <summary>The engine's arrays kept across blocks (see <see cref="BlockArrayShelf"/>); null to make this block's own.</summary>
    private readonly BlockArrayShelf? _arrays;

    /// <summary>How often a worker adds its counts to the shared ones that the dependency-chain watch reads.</summary>
    private const int PublishEvery = 8;

    /// <summary>What a failed execution (or one without a write set) writes; never changed (the memory only reads write sets).</summary>
    private static readonly WriteSet<TKey, TValue> NoWrites = new(0);

    // The workers' counts so far, published every few executions (each worker keeps its own, on its own line, so
    // that counting does not make the workers share a cache line on every transaction).
    private long _executions;
    private long _reExecutions;
    private readonly WorkerCounters[] _counters;

    public ParallelBlockRun(
        int transactionCount,
        ITransactionExecutor<TKey, TValue, TOutput> executor,
        IPreStateReader<TKey, TValue> preState,
        BlockStmOptions options,
        int poolSize,
        CancellationToken cancellation,
        BlockArrayShelf? arrays = null)
    {
        _transactionCount = transactionCount;
        _executor = executor;
        _preState = preState;
        _options = options;
        _cancellation = cancellation;
        _activeWorkers = Math.Min(poolSize, transactionCount);
        _workersRemaining = poolSize;
        _arrays = arrays;
        _memory = new MultiVersionMemory<TKey, TValue>(
            transactionCount,
            preState,
            valueComparer: null,
            expectedLocations: (int)Math.Min(int.MaxValue / 2, (long)transactionCount * options.LocationsPerTransactionHint),
            accumulatorLocations: executor.AccumulatorLocations,
            partitionHash: executor.PartitionHash,
            arrays);
        _scheduler = new Scheduler(transactionCount, Math.Max(1, _activeWorkers), arrays);
        _lastInputOutput = new TxnLastInputOutput<TKey, TValue, TOutput>(transactionCount, arrays);
        _finalParts = new Dictionary<TKey, TValue>[Math.Max(1, _activeWorkers)];
        _outputs = new TOutput[transactionCount];
        _outputStripes = Math.Max(1, Math.Min(_activeWorkers, transactionCount / 256));
        _counters = new WorkerCounters[Math.Max(1, _activeWorkers)];
        for (var worker = 0; worker < _counters.Length; worker++)
        {
            _counters[worker] = new WorkerCounters();
        }
    }

    public Task<BlockExecutionResult<TKey, TValue, TOutput>> Completion => _completion.Task;

    /// <summary>Signalled once the scheduler is done (and at the end): a caller that waits on its own thread wakes early.</summary>
    public EarlyWake Wake { get; } = new();

    public void Run(int workerIndex)
    {
        try
        {
            if (workerIndex < _activeWorkers)
            {
                WorkerSteps.NoteStart(ref _lastWorkerStarted);
                Work(workerIndex);

                // Every worker leaves the loop once the scheduler is done, so they gather the result together: the final
                // values in parts, and the executor turns each part into its own changes on the worker that built it.
                if (_scheduler.IsDone && !_halted)
                {
                    // What is left (the final parts, then the result) is short: the waiting caller may wake.
                    Interlocked.CompareExchange(ref _schedulerDoneAt, Stopwatch.GetTimestamp(), 0);
                    Wake.Signal();

                    // The claim logs sorted by part first (a log an item), so that no part scans them all; then the parts,
                    // taken as items too: a worker that leaves the loop late (its last execution, a page fault, a
                    // preemption) no longer holds up the part with its number, which another worker takes instead.
                    // The transactions' outputs are gathered in stripes in the same step (the last worker to leave did it
                    // alone: about 0.4 ms a block of 10,000 on two cores, while the others had nothing left to do).
                    // Then the executor's own end of the block, if it has one (IBlockEnd), on the same workers.
                    if (WorkerSteps.Run(this, ref _sortNext, ref _sortDone, _memory.ClaimLogCount, static (run, log) => run._memory.SortForParts(log, run._finalParts.Length), Halted)
                        && WorkerSteps.Run(this, ref _partNext, ref _partDone, FinalItems, static (run, item) => run.BuildFinalItem(item), Halted))
                    {
                        Interlocked.CompareExchange(ref _finalValuesDoneAt, Stopwatch.GetTimestamp(), 0);
                        RunBlockEnd();
                    }
                }

                _memory.ReleaseThread();
            }
        }
        catch (Exception failure)
        {
            // An exception escaping a dedicated thread ends the process; this one goes to the block's task instead.
            Interlocked.CompareExchange(ref _engineFailure, failure, null);
            _halted = true;
        }

        if (Interlocked.Decrement(ref _workersRemaining) == 0)
        {
            Complete();
        }
    }

    /// <summary>
    /// The executor's end of the block (<see cref="IBlockEnd{TOutput}"/>), once the final step is complete and no
    /// transaction failed: the first worker here makes it, the others wait for that (it is quick: a few arrays), then
    /// all run its steps. A failure of its steps is the block's.
    /// </summary>
    private void RunBlockEnd()
    {
        if (_executor is not IBlockEnd<TOutput> end || Volatile.Read(ref _lowestFailure) != int.MaxValue)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _blockEndState, 1, 0) == 0)
        {
            try
            {
                _blockEnd = end.StartBlockEnd(_outputs, _activeWorkers);
            }
            finally
            {
                Volatile.Write(ref _blockEndState, 2);
            }
        }
        else if (!WorkerSteps.WaitFor(this, ref _blockEndState, 2, Halted))
        {
            return;
        }

        if (_blockEnd is { } steps)
        {
            steps.RunSteps();
            if (steps.Failure is { } failure)
            {
                Interlocked.CompareExchange(ref _engineFailure, failure, null);
                _halted = true;
            }
        }
    }

    /// <summary>The items of the last step: the final values' parts, then the outputs' stripes.</summary>
    private int FinalItems => _finalParts.Length + _outputStripes;

    /// <summary>
    /// Item <paramref name="item"/> of the last step: a part of the final values (the executor's own changes, or the
    /// values themselves when it takes none), or a stripe of the outputs.
    /// </summary>
    private void BuildFinalItem(int item)
    {
        if (item >= _finalParts.Length)
        {
            CollectOutputs(item - _finalParts.Length, _outputStripes);
        }
        else if (!_executor.CompleteFinalPart(new FinalValuesPart<TKey, TValue>(_memory, item, _finalParts.Length)))
        {
            _finalParts[item] = _memory.FinalValues(item, _finalParts.Length);
        }
    }

    /// <summary>Copies a stripe of the outputs, or notes the stripe's lowest failed transaction (the block fails with the lowest of all).</summary>
    private void CollectOutputs(int stripe, int stripes)
    {
        var end = (int)((long)_transactionCount * (stripe + 1) / stripes);
        for (var index = (int)((long)_transactionCount * stripe / stripes); index < end; index++)
        {
            if (_lastInputOutput.Failure(index) is not null)
            {
                AtomicMin.Lower(ref _lowestFailure, index);
                return;
            }

            _outputs[index] = _lastInputOutput.Output(index);
        }
    }

    public void Abandon(Exception reason)
    {
        _completion.TrySetException(reason);
        Wake.Signal();
    }

    private void Work(int workerIndex)
    {
        var view = new ExecutionView<TKey, TValue>(_memory);
        var counters = _counters[workerIndex];
        var task = SchedulerTask.None;
        var idle = default(SpinWait);
        while (!_scheduler.IsDone && !_halted)
        {
            if (_cancellation.IsCancellationRequested)
            {
                _halted = true;
                break;
            }

            switch (task.Kind)
            {
                case SchedulerTaskKind.Execution:
                    task = Execute(task.Version, view, counters, workerIndex);
                    idle.Reset();
                    break;
                case SchedulerTaskKind.Validation:
                    task = Validate(task.Version, counters, workerIndex);
                    idle.Reset();
                    break;
                default:
                    task = _scheduler.NextTask(workerIndex);
                    if (task.Kind == SchedulerTaskKind.None)
                    {
                        counters.EmptySchedulerCalls++;
                        // Others hold the remaining work (or the block is a chain): back off, yielding, so that idle
                        // workers do not starve busy ones of a core; never Sleep(1) (a millisecond or more on Linux),
                        // which on dedicated cores left new work, and the block's end, waiting for a sleeper.
                        idle.SpinOnce(sleep1Threshold: -1);
                    }

                    break;
            }
        }
    }

    /// <summary>The paper's try_execute: runs the version, records its reads and writes, or suspends it on the transaction it waits for.</summary>
    private SchedulerTask Execute(TransactionVersion version, ExecutionView<TKey, TValue> view, WorkerCounters counters, int workerIndex)
    {
        var index = version.TransactionIndex;
        while (true)
        {
            view.Begin(index);
            counters.Executions++;
            var ranBefore = _lastInputOutput.MarkExecuted(index);
            if (ranBefore)
            {
                counters.ReExecutions++;
            }

            TransactionResult<TKey, TValue, TOutput> result = default;
            Exception? failure = null;
            try
            {
                result = _executor.Execute(index, view);
            }
            catch (Exception thrown)
            {
                // A transaction's exception is its outcome: kept with its reads, it fails the block only if those reads are final.
                failure = thrown;
            }

            // The latch decides, not the result or the exception: an executor may have swallowed the suspension.
            if (view.IsSuspended)
            {
                if (_scheduler.AddDependency(index, view.BlockingTransaction, workerIndex))
                {
                    counters.DependencySuspensions++;
                    return SchedulerTask.None;
                }

                // The blocking transaction finished in the meantime: its writes are in, so run again at once.
                continue;
            }

            WriteSet<TKey, TValue> writes;
            var reads = view.TakeReads();
            if (failure is null)
            {
                writes = result.Writes ?? NoWrites;
                _lastInputOutput.RecordSuccess(index, reads, result.Output);
            }
            else
            {
                writes = NoWrites;
                _lastInputOutput.RecordFailure(index, reads, failure);
            }

            var wroteNewLocation = _memory.Record(version, writes, reads, firstRun: !ranBefore);
            WatchForDependencyChain(counters);
            return _scheduler.FinishExecution(index, version.Incarnation, wroteNewLocation, workerIndex);
        }
    }

    /// <summary>The paper's needs_reexecution: validates the last read set, and aborts the version when a read changed.</summary>
    private SchedulerTask Validate(TransactionVersion version, WorkerCounters counters, int workerIndex)
    {
        var index = version.TransactionIndex;
        counters.Validations++;
        var reads = _lastInputOutput.ReadSet(index);
        var valid = reads is not null
            && _memory.ValidateReadSet(index, reads)
            && _options.InjectValidationFailure?.Invoke(index, version.Incarnation) != true;
        var aborted = !valid && _scheduler.TryValidationAbort(index, version.Incarnation);
        if (aborted)
        {
            counters.ValidationAborts++;
            _memory.ConvertWritesToEstimates(index);
        }

        return _scheduler.FinishValidation(index, aborted, workerIndex);
    }

    /// <summary>
    /// Gives up on parallel execution when, after a sample, re-executions are a large share of all executions: the
    /// block is (mostly) a chain, where every transaction waits for the one before and speculation only adds work.
    /// </summary>
    private void WatchForDependencyChain(WorkerCounters counters)
    {
        if (!_options.FallBackOnDependencyChains || _fallBackToSequential || counters.Executions - counters.PublishedExecutions < PublishEvery)
        {
            return;
        }

        Interlocked.Add(ref _reExecutions, counters.ReExecutions - counters.PublishedReExecutions);
        var executions = Interlocked.Add(ref _executions, counters.Executions - counters.PublishedExecutions);
        counters.PublishedExecutions = counters.Executions;
        counters.PublishedReExecutions = counters.ReExecutions;
        if (executions >= _options.DependencyChainSampleSize
            && Volatile.Read(ref _reExecutions) >= _options.DependencyChainReExecutionRatio * executions)
        {
            _fallBackToSequential = true;
            _halted = true;
        }
    }

    private void Complete()
    {
        try
        {
            if (_engineFailure is not null)
            {
                _completion.TrySetException(_engineFailure);
                return;
            }

            _cancellation.ThrowIfCancellationRequested();
            if (_fallBackToSequential && _options.OnDependencyChain == DependencyChainAction.Abandon)
            {
                var stats = Stats(BlockExecutionMode.ParallelThenSequential, sequential: null);
                ExecutionMetrics.Record(stats);
                _completion.TrySetException(new BlockAbandonedException(stats));
                return;
            }

            var result = _fallBackToSequential ? RunSequentially() : CollectResult();
            ExecutionMetrics.Record(result.Stats);
            _completion.TrySetResult(result);
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            _completion.TrySetCanceled(_cancellation);
        }
        catch (Exception failure)
        {
            // Whatever stops the block belongs to the block's task, not to the worker thread.
            _completion.TrySetException(failure);
        }
        finally
        {
            Wake.Signal();
            GiveBackArrays();
        }
    }

    /// <summary>
    /// The per-transaction arrays go back to the engine for its next block, once every worker has left and the result is
    /// out (the caller is not kept waiting for their clearing). Nothing of the result refers to them: the outputs are an
    /// array of their own, and the final values are read from the locations.
    /// </summary>
    private void GiveBackArrays()
    {
        if (_arrays is null)
        {
            return;
        }

        _scheduler.GiveBackArrays(_arrays);
        _lastInputOutput.GiveBackArrays(_arrays);
        _memory.GiveBackArrays(_arrays);
    }

    private BlockExecutionResult<TKey, TValue, TOutput> CollectResult()
    {
        if (!_scheduler.IsDone)
        {
            throw new InvalidOperationException("The workers stopped before the scheduler was done.");
        }

        // The lowest failure is the one sequential execution would have stopped at. The workers gathered the outputs,
        // unless one of them stopped the step (then they are gathered here).
        if (Volatile.Read(ref _partDone) < FinalItems)
        {
            CollectOutputs(0, 1);
        }

        if (_lowestFailure != int.MaxValue)
        {
            throw new TransactionExecutionException(_lowestFailure, _lastInputOutput.Failure(_lowestFailure)!);
        }

        return new BlockExecutionResult<TKey, TValue, TOutput>(new PartitionedDictionary<TKey, TValue>(_finalParts, _executor.PartitionHash, part => _memory.FinalValues(part, _finalParts.Length)), _outputs, Stats(BlockExecutionMode.Parallel, sequential: null));
    }

    private BlockExecutionResult<TKey, TValue, TOutput> RunSequentially()
    {
        var sequential = SequentialExecutor.Run(_transactionCount, _executor, _preState, _cancellation);
        return new BlockExecutionResult<TKey, TValue, TOutput>(
            sequential.StateDelta,
            sequential.Outputs,
            Stats(BlockExecutionMode.ParallelThenSequential, sequential.Stats));
    }

    private BlockExecutionStats Stats(BlockExecutionMode mode, BlockExecutionStats? sequential)
    {
        // Every transaction the parallel attempt had run is run again by the sequential one.
        var rerunBySequential = 0L;
        if (sequential is not null)
        {
            for (var index = 0; index < _transactionCount; index++)
            {
                rerunBySequential += _lastInputOutput.WasExecuted(index) ? 1 : 0;
            }
        }

        // Read after every worker left (the last one completes the block), so the counts are final.
        return new BlockExecutionStats
        {
            Mode = mode,
            TransactionCount = _transactionCount,
            WorkerCount = _activeWorkers,
            Executions = _counters.Sum(static c => c.Executions) + (sequential?.Executions ?? 0),
            ReExecutions = _counters.Sum(static c => c.ReExecutions) + rerunBySequential,
            Validations = _counters.Sum(static c => c.Validations),
            ValidationAborts = _counters.Sum(static c => c.ValidationAborts),
            DependencySuspensions = _counters.Sum(static c => c.DependencySuspensions),
            EmptySchedulerCalls = _counters.Sum(static c => c.EmptySchedulerCalls),
            LastWorkerStarted = SinceStart(Volatile.Read(ref _lastWorkerStarted)),
            SchedulerDone = SinceStart(Volatile.Read(ref _schedulerDoneAt)),
            FinalValuesDone = SinceStart(Volatile.Read(ref _finalValuesDoneAt)),
            Elapsed = Stopwatch.GetElapsedTime(_started),
        };
    }

    private TimeSpan? SinceStart(long timestamp) => timestamp == 0 ? null : Stopwatch.GetElapsedTime(_started, timestamp);

    /// <summary>
    /// One worker's counts, written by that worker alone. Padded so that two workers' counters never share a cache
    /// line (the padding fields are never used).
    /// </summary>
    private sealed class WorkerCounters
    {
#pragma warning disable CS0169, IDE0051 // Padding: keeps the next object's fields off this one's cache lines.
        private readonly long _padding0, _padding1, _padding2, _padding3, _padding4, _padding5, _padding6, _padding7;
#pragma warning restore CS0169, IDE0051
        public long Executions;
        public long ReExecutions;
        public long Validations;
        public long ValidationAborts;
        public long DependencySuspensions;
        public long PublishedExecutions;
        public long PublishedReExecutions;
        public long EmptySchedulerCalls;
    }
}
