using System.Diagnostics;
using System.Runtime.InteropServices;
using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Execution.Evm;

/// <summary>
/// A block on two threads, a committer and a runner, with exactly the sequential result: the committer takes the
/// transactions in order over the block's state (<see cref="CommittedState"/>), as <see cref="SequentialBlockExecutor"/>
/// does, while the runner executes transactions a little further on, over the state the committer has committed so
/// far. When the committer reaches a transaction the runner has done, it checks that nothing the runner read has been
/// committed since (<see cref="CommittedState"/>'s stamps) and, if so, takes the runner's result as it is (applies
/// its writes, credits the coinbase, adds its receipt) instead of executing it; otherwise it executes it itself.
/// </summary>
/// <remarks>
/// <para>
/// Why not Block-STM here: on two threads, Block-STM's bookkeeping (a version per location, every read captured and
/// validated, the final values gathered from the multi-version memory) costs about as much per transaction as the
/// second thread wins. Here the committer runs at about sequential speed (its state is the committed state the runner
/// reads, so applying a commit publishes it), and the runner at about sequential speed plus recording its reads, while
/// taking a runner's result costs the committer a fraction of executing it. Block-STM stays the engine for more
/// threads, where a single committer would be the bottleneck.
/// </para>
/// <para>
/// Each transaction's slot (<see cref="TransactionSlot"/>) goes through these states (a compare-and-swap decides the first step):
/// <code>
///            runner claims                 runner publishes its result
///   Free ─────────────────────► Running ───────────────────────────► Ran ──► committer validates: takes it, or
///     │                                                                      executes the transaction itself
///     │ committer claims (it reached the transaction first)
///     └──────────────────────► Committer ──► committer executes it
/// </code>
/// The runner starts a short distance past the committer (<see cref="BlockStmOptions.RunAheadDistance"/>, widened while
/// its results are rarely stale: <see cref="NextDistance"/>) and goes on in order until the committer comes close (then
/// it starts again further on, and the committer executes the few in between) or it finds a transaction the committer
/// has claimed. It leaves no result for a transaction that read the
/// coinbase (the committer credits it after every transaction), was rejected or threw, or deletes an account or
/// creates a contract. A commit that deletes an account stops the runner for the rest of the block (its slot reads do
/// not look for the wipe a deletion makes), and so does a runner whose results mostly fail (a chain, one pool for
/// everything): the committer then goes on alone, at sequential speed.
/// </para>
/// <para>
/// The runner reads the committed state alone: it does not keep its own results' writes for the transactions after
/// them. Such a transaction could not be taken anyway. Its result stands only if nothing it read was committed after it
/// started, and the earlier transaction's writes are committed after it started (the committer is behind the runner),
/// whether it read them from the runner or, stale, from the committed state. Keeping them (an overlay per stretch of
/// transactions, as this class once did) cost the runner a tenth of its time, and a result the committer rejected left
/// writes there that it had to track.
/// </para>
/// </remarks>
internal sealed class RunAheadBlock : IWorkerJob
{
    private const int Free = 0;
    private const int Running = 1;
    private const int Ran = 2;
    private const int Committer = 3;

    /// <summary>Runner results checked before the runner can be judged useless for the block, or its distance changed.</summary>
    private const int JudgeAfter = 16;

    /// <summary>How many times the configured distance the runner may widen its distance to.</summary>
    private const int WidestDistanceFactor = 8;

    /// <summary>
    /// The largest distance taken as given: past any block's length (a larger one means the same, no run at all), and
    /// small enough that eight times it, and the committer's place plus it, stay within an int.
    /// </summary>
    private const int MaxDistance = 1 << 24;

    private readonly EvmBlock _block;
    private readonly RunAheadScratch _scratch;
    private readonly CommittedState _committed;
    private readonly int _count;

    /// <summary>The configured distance: the least the runner goes down to, and where an executor's first block starts.</summary>
    private readonly int _nearestDistance;

    /// <summary>The most the runner widens its distance to (<see cref="WidestDistanceFactor"/> times the first).</summary>
    private readonly int _widestDistance;

    /// <summary>The runner's distance and what steers it, on a line of their own (the runner writes them for every transaction).</summary>
    private RunnerSteering _steering;

    private readonly Address _coinbase;

    // Per transaction: its state, and what the runner left for the committer (written before the state turns Ran).
    private readonly TransactionSlot[] _slots;

    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>The transaction the committer is at (the runner starts past it); written for every transaction, so alone on its line.</summary>
    private PaddedCounter _committing;

    /// <summary>The runner must stop (an account was deleted, its results mostly fail, or the block is done or failed).</summary>
    private volatile bool _runnerStopped;

    private readonly WorkerJobCompletion _completion;
    private BlockReceiptBuilder? _receipts;
    private StateChanges? _changes;

    /// <summary>The runner's half of the block's changes, once made (read by the committer).</summary>
    private CommittedState.SlotChanges? _slotChanges;
    private int _slotsClaimed;

    /// <summary>The next chunk of transactions whose blooms are to be made once the block is committed (both threads take chunks).</summary>
    private int _bloomsTaken;

    /// <summary>The runner's: the first transaction whose slot it has not looked at for a receipt still without its bloom.</summary>
    private int _runnerBloomsAt;

    /// <summary>Set once the committer is past the last transaction (or failed): the runner joins the blooms then.</summary>
    private int _finishing;
    private readonly object _finishingGate = new();

    // Statistics: the runner's executions on a line of their own, the rest the committer's.
    private PaddedCounter _runnerExecutions;
    private long _ownExecutions;
    private long _checked;
    private long _rejected;
    private long _wasted;
    private long _waits;

    /// <summary>The tips of the runner's results taken since the coinbase was last credited (the committer's).</summary>
    private UInt256 _tipsOwed;

    /// <param name="block">The block.</param>
    /// <param name="preState">The state before the block.</param>
    /// <param name="systemWrites">What the block's system call wrote over <paramref name="preState"/>, or null.</param>
    /// <param name="scratch">The tables and EVMs kept from block to block (this block's alone while it runs).</param>
    /// <param name="distance">How far past the committer the runner starts.</param>
    /// <param name="poolSize">The threads of the pool that runs the job (workers past the first two return at once).</param>
    public RunAheadBlock(EvmBlock block, StateSnapshot preState, TransactionWriteSet? systemWrites, RunAheadScratch scratch, int distance, int poolSize)
    {
        _completion = new WorkerJobCompletion(poolSize);
        _block = block;
        _scratch = scratch;
        _committed = scratch.Committed;
        _count = block.Transactions.Count;
        _nearestDistance = Math.Clamp(distance, 1, MaxDistance);
        _widestDistance = _nearestDistance * WidestDistanceFactor;
        // The last block's distance, as the start of this one's: consecutive blocks tend to be alike, and a run in the
        // block corrects it (see NextDistance).
        SetDistance(Math.Clamp(scratch.LastDistance, _nearestDistance, _widestDistance));
        _coinbase = block.Context.Coinbase;
        _slots = scratch.Slots(_count);

        _committed.Begin(preState, _coinbase, block.BlockHashes);
        if (systemWrites is not null)
        {
            // What the block's system call wrote is committed state too (it never deletes).
            Commit(systemWrites);
        }
    }

    public Task Completion => _completion.Task;

    /// <summary>Waits on the calling thread until the job is complete (see <see cref="EarlyWake"/>); throws its failure.</summary>
    public void Wait() => _completion.Wait();

    public void Run(int workerIndex)
    {
        try
        {
            if (workerIndex == 0)
            {
                Commit();
            }
            else if (workerIndex == 1)
            {
                RunAhead();
                _scratch.LastDistance = _steering.Distance;
                WaitForFinishing();

                // The blooms before the runner's place are made: the shared walk over the rest starts past them (a
                // chunk the committer took below is only walked in vain).
                var walked = Volatile.Read(ref _bloomsTaken);
                while (walked < _runnerBloomsAt && Interlocked.CompareExchange(ref _bloomsTaken, _runnerBloomsAt, walked) != walked)
                {
                    walked = Volatile.Read(ref _bloomsTaken);
                }

                if (!_completion.HasFailed)
                {
                    // The block's changes are made by both threads: the slots here, the accounts on the committer.
                    CollectSlotsIfFirst();
                    MakeBloomsLeft();
                }
            }
        }
        catch (Exception failure)
        {
            _completion.Fail(failure);
            _runnerStopped = true;
        }

        _completion.WorkerDone();
    }

    public void Abandon(Exception reason) => _completion.Abandon(reason);

    /// <summary>The receipts and the block's changes, once <see cref="Completion"/> is done without a failure.</summary>
    public (BlockReceiptBuilder Receipts, StateChanges Changes) Result() => (_receipts!, _changes!);

    public BlockExecutionStats Stats() => new()
    {
        Mode = BlockExecutionMode.RunAhead,
        TransactionCount = _count,
        WorkerCount = 2,
        Executions = _ownExecutions + _runnerExecutions.Value,
        ReExecutions = _wasted,
        Validations = _checked,
        ValidationAborts = _rejected,
        DependencySuspensions = _waits,
        Elapsed = Stopwatch.GetElapsedTime(_started),
        RunAheadDistance = _steering.Distance,
    };

    /// <summary>The committer: every transaction in order, each the runner's checked result or its own execution.</summary>
    private void Commit()
    {
        var processor = _scratch.CommitterProcessor;
        var receipts = new BlockReceiptBuilder(_block, processor.Spec);
        try
        {
            for (var index = 0; index < _count; index++)
            {
                Volatile.Write(ref _committing.Value, index);
                ref var slot = ref _slots[index];
                if (Interlocked.CompareExchange(ref slot.Status, Committer, Free) == Free)
                {
                    ExecuteOwn(index, processor, receipts);
                    continue;
                }

                if (Volatile.Read(ref slot.Status) != Ran)
                {
                    _waits++;
                    var wait = default(SpinWait);
                    while (Volatile.Read(ref slot.Status) != Ran)
                    {
                        wait.SpinOnce(sleep1Threshold: -1);
                    }
                }

                if (TakeRunners(ref slot, receipts))
                {
                    continue;
                }

                ExecuteOwn(index, processor, receipts);
            }

            // The last writes of the block, before the runner starts reading the state for its changes.
            CreditTips();
            _committed.BeginCommit();
            foreach (var withdrawal in _block.Withdrawals)
            {
                // EIP-4895, as WithdrawalProcessor credits them: after the transactions, each a credit that touches the account.
                _committed.AddBalance(withdrawal.Address, withdrawal.AmountInWei);
            }

            _committed.EndCommit();
        }
        finally
        {
            _runnerStopped = true;
            _receipts = receipts;

            // Released even when the block failed: the runner waits for it.
            lock (_finishingGate)
            {
                Volatile.Write(ref _finishing, 1);
                Monitor.PulseAll(_finishingGate);
            }
        }

        var accounts = _committed.CollectAccounts();
        MakeBloomsLeft();
        _changes = CommittedState.Join(accounts, WaitForSlotChanges());
    }

    /// <summary>The slots half of the block's changes, by whichever thread comes for it first (the runner, nearly always).</summary>
    private void CollectSlotsIfFirst()
    {
        if (Interlocked.Exchange(ref _slotsClaimed, 1) == 0)
        {
            Volatile.Write(ref _slotChanges, _committed.CollectSlots());
        }
    }

    /// <summary>The committer, done with its half of the block's changes: the slots half, made by the runner or now.</summary>
    private CommittedState.SlotChanges WaitForSlotChanges()
    {
        CollectSlotsIfFirst();
        var wait = default(SpinWait);
        while (true)
        {
            if (Volatile.Read(ref _slotChanges) is { } slots)
            {
                return slots;
            }

            // The runner failed (its failure is the block's): nothing will come.
            if (_completion.HasFailed)
            {
                throw new OperationCanceledException("The runner failed before the block's changes were made.");
            }

            wait.SpinOnce();
        }
    }

    /// <summary>
    /// The runner, done with its transactions, until the committer is past the last transaction: it makes the blooms of the
    /// transactions the committer executes meanwhile (a runner stopped early, by a chain or a deletion, would otherwise
    /// leave them all to the end of the block). A short spin first (it stops close to the committer); when
    /// there is nothing to do it sleeps a millisecond at a time rather than spin, which would take a processor from the
    /// node's other work.
    /// </summary>
    private void WaitForFinishing()
    {
        var wait = default(SpinWait);
        while (Volatile.Read(ref _finishing) == 0)
        {
            if (MakeOneBloomLeft())
            {
                wait.Reset();
                continue;
            }

            if (!wait.NextSpinWillYield)
            {
                wait.SpinOnce();
                continue;
            }

            lock (_finishingGate)
            {
                if (Volatile.Read(ref _finishing) == 0)
                {
                    Monitor.Wait(_finishingGate, millisecondsTimeout: 1);
                }
            }
        }
    }

    /// <summary>
    /// The runner, waiting for the committer: the bloom of one of the committer's own transactions already committed,
    /// if there is one it has not looked at; false when there is none. (Made twice at worst: the bloom is the receipt's
    /// own, made on first use, and both threads make the same.)
    /// </summary>
    private bool MakeOneBloomLeft()
    {
        // Every transaction before the one the committer is at has its receipt in its slot (written before it moved on).
        var committed = Volatile.Read(ref _committing.Value);
        while (_runnerBloomsAt < committed)
        {
            if (Volatile.Read(ref _slots[_runnerBloomsAt++].OwnReceipt) is { } receipt)
            {
                _ = receipt.Bloom;
                return true;
            }
        }

        return false;
    }

    /// <summary>Both threads, once every transaction is committed: the blooms of the committer's own transactions.</summary>
    private void MakeBloomsLeft()
    {
        const int Chunk = 64;
        int start;
        while ((start = Interlocked.Add(ref _bloomsTaken, Chunk) - Chunk) < _count)
        {
            var end = Math.Min(start + Chunk, _count);
            for (var index = start; index < end; index++)
            {
                // Those the runner made while it waited are made already: the receipt keeps its bloom.
                _ = _slots[index].OwnReceipt?.Bloom;
            }
        }
    }

    private void ExecuteOwn(int index, TransactionProcessor processor, BlockReceiptBuilder receipts)
    {
        // It pays the coinbase itself, on top of the tips taken so far.
        CreditTips();
        var result = processor.Execute(_block.Transactions[index], _block.Context, _committed);
        _ownExecutions++;

        // Its logs' bloom is left off the committer's path: the runner makes it if it waits meanwhile, or both threads
        // do at the end of the block. The receipt is in the transaction's slot for them (before the committer moves on).
        receipts.Add(TransactionOutcome.From(result, withBloom: false));
        if (result.Logs.Count > 0)
        {
            Volatile.Write(ref _slots[index].OwnReceipt, receipts.Receipts[index]);
        }

        Commit(result.WriteSet);
    }

    /// <summary>Commits the runner's result for the transaction if it stands; false when the committer must execute it.</summary>
    private bool TakeRunners(ref TransactionSlot slot, BlockReceiptBuilder receipts)
    {
        var ran = slot.Result;
        slot.Result = null;
        if (_runnerStopped)
        {
            // Once stopped (a deletion may have wiped what it read), nothing of the runner's is taken.
            return Wasted();
        }

        _checked++;
        if (ran is null)
        {
            _rejected++;
            return Wasted();
        }

        if (_committed.ChangedSince(ran.Reads, ran.StartedAfter))
        {
            _rejected++;
            return Wasted();
        }

        var result = ran.Result;
        receipts.Add(ran.Outcome);
        Commit(result.WriteSet, result.CoinbasePayment);
        return true;
    }

    private bool Wasted()
    {
        _wasted++;
        // Taken so far: every result checked and not rejected; the one being wasted now is already counted.
        var taken = _checked - _rejected;
        if (!_runnerStopped && _wasted + taken >= JudgeAfter && _wasted * 2 > taken + _wasted)
        {
            // Most of the runner's work is wasted (a chain, one pool for all): the committer goes on alone.
            _runnerStopped = true;
        }

        return false;
    }

    /// <summary>
    /// Commits a transaction's writes (and the coinbase's tip, for a runner's result) to the block's state, where the
    /// runner sees them. A deletion stops the runner: its storage reads do not look for wipes.
    /// </summary>
    private void Commit(TransactionWriteSet writes, UInt256? coinbaseTip = null)
    {
        _committed.BeginCommit();
        if (_committed.Apply(writes))
        {
            _runnerStopped = true;
        }

        if (coinbaseTip is { } tip)
        {
            // Credits add up: the coinbase gets them at once when the committer next needs it (no runner result read
            // it). A credit of zero, which would delete an empty coinbase (EIP-161), can be dropped: the first
            // transaction is always the committer's, and its own payment to the coinbase deletes it if it is empty;
            // after that nothing makes it empty again (its balance falls only by sending, which gives it a nonce, or
            // by code at it, which it then has).
            _tipsOwed += tip;
        }

        _committed.EndCommit();
    }

    /// <summary>Credits the coinbase with the tips of the runner's results taken since it was last credited.</summary>
    private void CreditTips()
    {
        if (_tipsOwed.IsZero)
        {
            return;
        }

        _committed.BeginCommit();
        _committed.AddBalance(_coinbase, _tipsOwed);
        _committed.EndCommit();
        _tipsOwed = UInt256.Zero;
    }

    /// <summary>The runner: transactions past the committer, in order, over the committed state.</summary>
    private void RunAhead()
    {
        var processor = _scratch.RunnerProcessor;
        var view = _scratch.RunnerView;
        var next = 0;
        while (!_runnerStopped)
        {
            SetDistance(NextDistance());
            var start = Math.Max(next, Volatile.Read(ref _committing.Value) + _steering.Distance);
            if (start >= _count)
            {
                return;
            }

            for (var index = start; index < _count && !_runnerStopped; index++)
            {
                // Too far ahead (the committer started late, or is executing a long stretch itself): every commit in
                // between may change what this transaction reads.
                if (index - Volatile.Read(ref _committing.Value) > _steering.Farthest)
                {
                    var wait = default(SpinWait);
                    while (index - Volatile.Read(ref _committing.Value) > _steering.Farthest && !_runnerStopped)
                    {
                        // Time better spent on the blooms the committer leaves for the end of the block.
                        if (!MakeOneBloomLeft())
                        {
                            wait.SpinOnce(sleep1Threshold: -1);
                        }
                    }
                }

                // The committer is close: it would wait for each result as it comes. Better it executes the next few
                // itself while the runner starts again further on.
                var ahead = index - Volatile.Read(ref _committing.Value);
                if (ahead < _steering.Closest
                    || Interlocked.CompareExchange(ref _slots[index].Status, Running, Free) != Free)
                {
                    break;
                }

                next = index + 1;
                _steering.AheadSum += ahead;
                _steering.AheadCount++;
                RunOne(index, processor, view);
            }
        }
    }

    /// <summary>
    /// The distance for the runner's next run, from what its results have done so far in the block. Two costs pull it
    /// opposite ways. Each run ends with the committer catching up (it waits for the result in flight, then executes
    /// the stretch the runner skips to start again further on): fewer, longer runs for a wider distance. Each result
    /// the committer rejects costs an execution on each thread, and results go stale in proportion to how far ahead
    /// of the committer they were executed. Taking the two costs as equal, a run of length <c>d</c> costs about
    /// <c>1/d + rate × d</c> per transaction, where <c>rate</c> is the rejections per result per transaction of
    /// distance; that is least at <c>d = sqrt(1 / rate)</c>, so the distance is the square root of the results checked
    /// per rejection times the mean distance they were executed at, kept between the configured distance and
    /// <see cref="WidestDistanceFactor"/> times it. Measured here (2 cores, 10,000 transactions): erc20, whose results
    /// are rarely stale, did best at 48 to 64 (1.74x against 1.70x at 16, 9 pairs); amm-many-pools, with four times
    /// the rejections, did best near 16 (1.78x against 1.74x at 48).
    /// The committer's counters are read as they are: they only steer.
    /// </summary>
    private int NextDistance() => BestDistance(
        _steering.Distance, Volatile.Read(ref _checked), Volatile.Read(ref _rejected), _steering.AheadSum, _steering.AheadCount, _nearestDistance, _widestDistance);

    /// <summary>
    /// The distance <see cref="NextDistance"/> picks: <paramref name="current"/> until <see cref="JudgeAfter"/> results
    /// are checked, then the square root of the results checked per rejection (one at least) times the mean distance
    /// ahead they were executed at, within [<paramref name="nearest"/>, <paramref name="widest"/>].
    /// </summary>
    internal static int BestDistance(int current, long checkedResults, long rejected, long aheadSum, long aheadCount, int nearest, int widest)
    {
        if (checkedResults < JudgeAfter || aheadCount == 0)
        {
            return current;
        }

        var meanAhead = (double)aheadSum / aheadCount;
        var best = Math.Sqrt(meanAhead * checkedResults / Math.Max(1, rejected));
        return (int)Math.Clamp(best, nearest, widest);
    }

    private void SetDistance(int distance)
    {
        _steering.Distance = distance;
        _steering.Closest = Math.Max(1, distance / 2);
        _steering.Farthest = distance * 4;
    }

    /// <summary>Executes one claimed transaction and leaves its result, or none when the committer must execute it.</summary>
    private void RunOne(int index, TransactionProcessor processor, CommittedState.RunnerView view)
    {
        ref var slot = ref _slots[index];
        RunnerResult? ran = null;
        try
        {
            var startedAfter = _committed.StartTransaction();
            var result = processor.Execute(_block.Transactions[index], _block.Context, view);
            _runnerExecutions.Value++;
            if (result is { IsRejected: false } && !_committed.TouchedCoinbase && !DeletesOrWipes(result.WriteSet))
            {
                ran = new RunnerResult(result, TransactionOutcome.From(result), _committed.Reads.ToArray(), startedAfter);
            }
        }
        catch (Exception)
        {
            // A read may have been torn by a commit beside it; whatever went wrong, the committer runs it itself.
            ran = null;
        }
        finally
        {
            // Always: the committer waits for it.
            slot.Result = ran;
            Volatile.Write(ref slot.Status, Ran);
        }
    }

    private static bool DeletesOrWipes(TransactionWriteSet writes)
    {
        foreach (var write in writes.Accounts)
        {
            if (ClearsStorage(write))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a runner's write deletes the account or clears storage it may have had: every deletion, and every creation
    /// (code, or the nonce of one), both left to the committer (creations since the committed state did not say whether
    /// an address has storage, which forbids a creation there, EIP-7610; it does now, but creations are rare in blocks
    /// and no benchmark would measure a path for them). Not an account that starts to exist by being paid (nonce
    /// 0, no code): the EVM marks its storage cleared too, but it had none (an address with storage and nothing else is
    /// an account already), and a plain transfer to a fresh address must not be left to the committer.
    /// </summary>
    private static bool ClearsStorage(in AccountWrite write) =>
        write.Deleted || (write.StorageCleared && (write.Nonce != 0 || write.CodeHash != AccountInfo.EmptyCodeHash));
}

/// <summary>
/// One transaction's place in <see cref="RunAheadBlock"/>: its state and the runner's result, on a 64-byte line of its
/// own, since the runner writes one while the committer reads another a few transactions back.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct TransactionSlot
{
    [FieldOffset(0)]
    public RunnerResult? Result;

    [FieldOffset(8)]
    public int Status;

    /// <summary>The receipt of a transaction with logs that the committer executed itself, its bloom not made yet.</summary>
    [FieldOffset(16)]
    public TransactionReceipt? OwnReceipt;
}

/// <summary>
/// The runner's distance from the committer (<see cref="RunAheadBlock"/>): how far past the committer it starts a run, how
/// close it goes on (half of that), how far ahead it goes before it waits (four times it), and how far ahead of the
/// committer its executions started, summed, and how many. The runner's alone, padded off the committer's counters.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct RunnerSteering
{
    [FieldOffset(64)]
    public long AheadSum;

    [FieldOffset(72)]
    public long AheadCount;

    [FieldOffset(80)]
    public int Distance;

    [FieldOffset(84)]
    public int Closest;

    [FieldOffset(88)]
    public int Farthest;
}

/// <summary>
/// What the runner left of a transaction it executed: the result, its receipt's outcome, the reads to check (stamp
/// indexes) and the last commit published when it started.
/// </summary>
internal sealed record RunnerResult(TransactionResult Result, TransactionOutcome Outcome, int[] Reads, int StartedAfter);

/// <summary>What <see cref="RunAheadBlock"/> keeps from block to block: the committed state and the two threads' EVMs.</summary>
internal sealed class RunAheadScratch
{
    private TransactionSlot[] _slots = [];

    public RunAheadScratch(EvmSpec spec, PrecompileTable precompiles)
    {
        CommitterProcessor = new TransactionProcessor(spec, precompiles, buildReadSet: false);
        RunnerProcessor = new TransactionProcessor(spec, precompiles, deferCoinbasePayment: true, buildReadSet: false);
        RunnerView = new CommittedState.RunnerView(Committed);
    }

    public CommittedState Committed { get; } = new();

    /// <summary>The distance the runner ended the last block at (the runner's; read by the next block).</summary>
    public int LastDistance { get; set; }

    /// <summary>
    /// The per-transaction slots for a block of <paramref name="count"/> transactions, cleared: kept from block to block
    /// (64 bytes a transaction, on the large object heap from about 1,300 transactions, which only a full collection
    /// frees), grown when a block is larger than any before.
    /// </summary>
    public TransactionSlot[] Slots(int count)
    {
        if (_slots.Length < count)
        {
            _slots = new TransactionSlot[count];
        }
        else
        {
            Array.Clear(_slots, 0, count);
        }

        return _slots;
    }

    /// <summary>What the runner's EVM reads through (over <see cref="Committed"/>).</summary>
    public CommittedState.RunnerView RunnerView { get; }

    /// <summary>Pays the coinbase inside each transaction, as the sequential executor does.</summary>
    public TransactionProcessor CommitterProcessor { get; }

    /// <summary>Leaves the coinbase's tip to the committer, so that transactions do not all read and write it.</summary>
    public TransactionProcessor RunnerProcessor { get; }
}
