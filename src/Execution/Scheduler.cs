using System.Runtime.InteropServices;
using Hyperion.Core.Threading;

namespace Hyperion.Execution;

// The status of one transaction, and what moves it (k is the incarnation: how many times it was aborted).
//
//                     TryIncarnate: NextTask hands it out, or FinishValidation re-runs it at once
//   ReadyToExecute(k) ──────────────────────────────────────────────────────► Executing(k)
//          ▲                                                                  │          │
//          │                                                 FinishExecution  │          │ AddDependency: it read an
//          │                                                                  ▼          │ ESTIMATE of a lower
//          │                                                             Executed(k)     │ transaction that has not
//          │                                                                  │          │ finished executing again
//          │                             TryValidationAbort: a validation of  │          │
//          │                             k found a read that changed          ▼          │
//          └─────────────────────────────────────────────────────────── Aborting(k) ◄────┘
//             to ReadyToExecute(k + 1): by FinishValidation(aborted) after the failed validation, or,
//             for a suspended transaction, by the FinishExecution of the transaction it waits for
//
// Executed(k) of every transaction, with nothing left to validate and no task in flight, ends the block.

/// <summary>Where a transaction is in its life (see the diagram at the top of Scheduler.cs).</summary>
public enum TransactionState
{
    ReadyToExecute,
    Executing,
    Executed,
    Aborting,
}

/// <summary>
/// Block-STM's collaborative scheduler (the paper's Algorithm 4, as in aptos-core's block executor): it hands
/// out execution and validation tasks in transaction order, lowest first, so that the transactions most likely
/// to be final are worked on first, and it tracks when everything is done. Workers pull tasks from it; there is
/// no central thread.
/// </summary>
/// <remarks>
/// Two shared indices say where the next execution and validation tasks are: <c>execution_idx</c> and
/// <c>validation_idx</c>, each incremented to hand a task out and lowered (with <c>decrease_cnt</c> counting the
/// lowerings) when an abort or a resumed dependency makes lower work necessary again. <c>num_active_tasks</c>
/// counts the tasks handed out and not yet finished; with both indices past the block and nothing active, and no
/// lowering in between, the block is done. Each transaction has a status and a list of the transactions suspended on
/// it, guarded by one gate per transaction; two gates are held together only by a dependency, the lower transaction's first.
/// </remarks>
public sealed class Scheduler
{
    /// <summary>How many indices one <see cref="NextTask"/> passes over before it lets its worker back off.</summary>
    private const int MaxNextTaskAttempts = 64;

    private readonly int _transactionCount;
    private TransactionSlot[] _slots;

    // Each shared counter on its own cache line: every worker hits them on every task.
    private PaddedCounter _executionIndex;
    private PaddedCounter _validationIndex;
    private PaddedCounter _decreaseCount;

    // The paper's num_active_tasks, split by worker: a task is counted and uncounted by the worker that holds it, so
    // each count stays on its worker's cache line and only the done check (at the end of the block) reads them all.
    private readonly PaddedCounter[] _activeTasks;
    private volatile bool _done;

    /// <param name="transactionCount">The block's transactions.</param>
    /// <param name="workerCount">
    /// How many workers take tasks; each passes its number (0 to <paramref name="workerCount"/> − 1) to the calls
    /// that hand out or end tasks. Workers may share a number (correct, only slower).
    /// </param>
    public Scheduler(int transactionCount, int workerCount = 1)
        : this(transactionCount, workerCount, arrays: null)
    {
    }

    /// <summary>As the public constructor, with the transactions' slots taken from <paramref name="arrays"/> when given (see <see cref="GiveBackArrays"/>).</summary>
    internal Scheduler(int transactionCount, int workerCount, BlockArrayShelf? arrays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(transactionCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workerCount);
        _transactionCount = transactionCount;
        _activeTasks = new PaddedCounter[workerCount];
        _slots = arrays?.Take<TransactionSlot>(transactionCount) ?? new TransactionSlot[transactionCount];
        _done = transactionCount == 0;
    }

    public int TransactionCount => _transactionCount;

    /// <summary>Gives the transactions' slots to <paramref name="arrays"/> for a later block. Only once no worker runs; the scheduler is done with.</summary>
    internal void GiveBackArrays(BlockArrayShelf arrays)
    {
        var slots = _slots;
        _slots = [];
        arrays.Give(slots, _transactionCount);
    }

    /// <summary>The paper's done_marker: every transaction is executed and validated and no task is in flight.</summary>
    public bool IsDone => _done;

    /// <summary>
    /// The next task: a validation when one is due below the next execution (validations first keeps the committed
    /// prefix growing), else an execution. An index that hands out nothing (a version still executing, a transaction
    /// another worker holds) is passed over and the choice made again, as aptos-core's <c>next_task</c> loops: with 16
    /// workers the validation index runs into versions still executing after nearly every task, and returning "none"
    /// for each sent the worker through its idle back-off thousands of times a block. None only when both indices are
    /// past the block (the others hold what is left) or the indices keep moving under this worker.
    /// </summary>
    public SchedulerTask NextTask(int worker = 0)
    {
        ref var active = ref ActiveCount(worker);
        for (var attempt = 0; attempt < MaxNextTaskAttempts; attempt++)
        {
            var validation = Volatile.Read(ref _validationIndex.Value);
            var execution = Volatile.Read(ref _executionIndex.Value);
            var task = validation < execution ? NextVersionToValidate(ref active) : NextVersionToExecute(ref active);
            if (task.Kind != SchedulerTaskKind.None || Math.Min(validation, execution) >= _transactionCount)
            {
                return task;
            }
        }

        return SchedulerTask.None;
    }

    /// <summary>
    /// Suspends <paramref name="transactionIndex"/>, which read an ESTIMATE written by <paramref name="blockingTransaction"/>,
    /// until that transaction finishes executing. False when it already has: run the transaction again now.
    /// </summary>
    public bool AddDependency(int transactionIndex, int blockingTransaction, int worker = 0)
    {
        ref var active = ref ActiveCount(worker);
        ref var blocking = ref _slots[blockingTransaction];
        blocking.Enter();
        try
        {
            if (blocking.State == TransactionState.Executed)
            {
                return false;
            }

            // Gates nest only from a lower transaction to a higher one (a dependency is always on a lower one).
            ref var suspended = ref _slots[transactionIndex];
            suspended.Enter();
            suspended.State = TransactionState.Aborting;
            suspended.Exit();
            (blocking.Dependents ??= []).Add(transactionIndex);
        }
        finally
        {
            blocking.Exit();
        }

        // The execution task ends here; the transaction is handed out again once it is resumed.
        Interlocked.Decrement(ref active);
        return true;
    }

    /// <summary>
    /// Ends an execution task: the version is Executed, the transactions suspended on it resume. Returns the
    /// validation of this version when the validation index has already passed it (nobody else would validate it),
    /// unless it wrote a new location, in which case every transaction from it up is validated again.
    /// </summary>
    public SchedulerTask FinishExecution(int transactionIndex, int incarnation, bool wroteNewLocation, int worker = 0)
    {
        ref var active = ref ActiveCount(worker);
        ref var slot = ref _slots[transactionIndex];
        slot.Enter();
        slot.State = TransactionState.Executed;
        var dependents = slot.Dependents;
        slot.Dependents = null;
        slot.Exit();

        ResumeDependencies(dependents);
        if (Volatile.Read(ref _validationIndex.Value) > transactionIndex)
        {
            if (!wroteNewLocation)
            {
                return SchedulerTask.Validate(transactionIndex, incarnation);
            }

            DecreaseValidationIndex(transactionIndex);
        }

        Interlocked.Decrement(ref active);
        return SchedulerTask.None;
    }

    /// <summary>
    /// Claims the abort of a version whose validation failed: true for exactly one of the validations that fail on
    /// the same version, which must then turn its writes into estimates and call <see cref="FinishValidation"/>.
    /// </summary>
    public bool TryValidationAbort(int transactionIndex, int incarnation)
    {
        ref var slot = ref _slots[transactionIndex];
        slot.Enter();
        var claimed = slot.State == TransactionState.Executed && slot.Incarnation == incarnation;
        if (claimed)
        {
            slot.State = TransactionState.Aborting;
        }

        slot.Exit();
        return claimed;
    }

    /// <summary>
    /// Ends a validation task. After an abort, the transaction gets its next incarnation, every transaction above
    /// it must be validated again, and when the execution index has passed it, the caller re-executes it at once.
    /// </summary>
    public SchedulerTask FinishValidation(int transactionIndex, bool aborted, int worker = 0)
    {
        ref var active = ref ActiveCount(worker);
        if (aborted)
        {
            SetReadyStatus(transactionIndex);
            DecreaseValidationIndex(transactionIndex + 1);
            if (Volatile.Read(ref _executionIndex.Value) > transactionIndex && TryIncarnate(transactionIndex) is { Kind: SchedulerTaskKind.Execution } reexecution)
            {
                // The task goes on as an execution, so the active count stays.
                return reexecution;
            }
        }

        Interlocked.Decrement(ref active);
        return SchedulerTask.None;
    }

    /// <summary>The status of a transaction and its incarnation, for tests and diagnostics.</summary>
    public (TransactionState State, int Incarnation) Status(int transactionIndex)
    {
        ref var slot = ref _slots[transactionIndex];
        slot.Enter();
        var status = (slot.State, slot.Incarnation);
        slot.Exit();
        return status;
    }

    /// <summary>The number of tasks handed out and not finished (the paper's num_active_tasks).</summary>
    public int ActiveTasks
    {
        get
        {
            var active = 0;
            for (var worker = 0; worker < _activeTasks.Length; worker++)
            {
                active += Volatile.Read(ref _activeTasks[worker].Value);
            }

            return active;
        }
    }

    private ref int ActiveCount(int worker)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)worker, (uint)_activeTasks.Length, nameof(worker));
        return ref _activeTasks[worker].Value;
    }

    private SchedulerTask NextVersionToExecute(ref int active)
    {
        if (Volatile.Read(ref _executionIndex.Value) >= _transactionCount)
        {
            CheckDone();
            return SchedulerTask.None;
        }

        // Counted active before the index moves, so that CheckDone never sees the index past the block with the task uncounted.
        Interlocked.Increment(ref active);
        var index = Interlocked.Increment(ref _executionIndex.Value) - 1;
        var task = TryIncarnate(index);
        if (task.Kind == SchedulerTaskKind.None)
        {
            Interlocked.Decrement(ref active);
        }

        return task;
    }

    private SchedulerTask NextVersionToValidate(ref int active)
    {
        if (Volatile.Read(ref _validationIndex.Value) >= _transactionCount)
        {
            CheckDone();
            return SchedulerTask.None;
        }

        Interlocked.Increment(ref active);
        var index = Interlocked.Increment(ref _validationIndex.Value) - 1;
        if (index < _transactionCount)
        {
            ref var slot = ref _slots[index];
            slot.Enter();
            var executed = slot.State == TransactionState.Executed;
            var incarnation = slot.Incarnation;
            slot.Exit();
            if (executed)
            {
                return SchedulerTask.Validate(index, incarnation);
            }
        }

        // Not executed yet: its execution will be validated when it finishes (FinishExecution).
        Interlocked.Decrement(ref active);
        return SchedulerTask.None;
    }

    /// <summary>ReadyToExecute → Executing; the task's active count is the caller's to keep or give back.</summary>
    private SchedulerTask TryIncarnate(int transactionIndex)
    {
        if (transactionIndex < _transactionCount)
        {
            ref var slot = ref _slots[transactionIndex];
            slot.Enter();
            var ready = slot.State == TransactionState.ReadyToExecute;
            if (ready)
            {
                slot.State = TransactionState.Executing;
            }

            var incarnation = slot.Incarnation;
            slot.Exit();
            if (ready)
            {
                return SchedulerTask.Execute(transactionIndex, incarnation);
            }
        }

        return SchedulerTask.None;
    }

    /// <summary>Aborting(k) → ReadyToExecute(k + 1).</summary>
    private void SetReadyStatus(int transactionIndex)
    {
        ref var slot = ref _slots[transactionIndex];
        slot.Enter();
        slot.Incarnation++;
        slot.State = TransactionState.ReadyToExecute;
        slot.Exit();
    }

    private void ResumeDependencies(List<int>? dependents)
    {
        if (dependents is null || dependents.Count == 0)
        {
            return;
        }

        var lowest = int.MaxValue;
        foreach (var dependent in dependents)
        {
            SetReadyStatus(dependent);
            lowest = Math.Min(lowest, dependent);
        }

        // The execution index may be past them already; bring it back so that they are handed out again.
        DecreaseExecutionIndex(lowest);
    }

    private void DecreaseExecutionIndex(int target)
    {
        AtomicMin.Lower(ref _executionIndex.Value, target);
        Interlocked.Increment(ref _decreaseCount.Value);
    }

    private void DecreaseValidationIndex(int target)
    {
        AtomicMin.Lower(ref _validationIndex.Value, target);
        Interlocked.Increment(ref _decreaseCount.Value);
    }

    /// <summary>
    /// Sets the done marker when both indices are past the block and no task is active. The decrease count is read
    /// before and after: an index lowered in between (by a task that then finished) means the check saw a mix of
    /// states, and some worker will check again. The active counts are read after the indices, one by one: a task
    /// handed out after an index was read is counted before that index moved, and a task that lowers an index (the
    /// only way work comes back) is counted until after the decrease count moves.
    /// </summary>
    private void CheckDone()
    {
        var observedDecreases = Volatile.Read(ref _decreaseCount.Value);
        if (Math.Min(Volatile.Read(ref _executionIndex.Value), Volatile.Read(ref _validationIndex.Value)) >= _transactionCount
            && ActiveTasks == 0
            && observedDecreases == Volatile.Read(ref _decreaseCount.Value))
        {
            _done = true;
        }
    }

    /// <summary>
    /// One transaction's status and suspended dependents, guarded by a gate of its own, alone on a 128-byte stretch
    /// of the slots array: workers run neighbouring transactions at the same time, and slots sharing a cache line
    /// would move it between their processors on every status change. The critical sections are a few field writes,
    /// so the gate spins (and yields after a while) rather than parking the thread.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct TransactionSlot
    {
        [FieldOffset(56)]
        public List<int>? Dependents;

        [FieldOffset(64)]
        private int _gate;

        [FieldOffset(68)]
        public TransactionState State;

        [FieldOffset(72)]
        public int Incarnation;

        public void Enter()
        {
            if (Interlocked.CompareExchange(ref _gate, 1, 0) != 0)
            {
                EnterContended();
            }
        }

        public void Exit() => Volatile.Write(ref _gate, 0);

        private void EnterContended()
        {
            // Yields when the holder takes long (it may be descheduled), but never sleeps: a Sleep(1) is a millisecond
            // or more on Linux, for a section of a few instructions.
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _gate) != 0 || Interlocked.CompareExchange(ref _gate, 1, 0) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}
