using System.Collections.Concurrent;
using System.Diagnostics;
using Hyperion.Core;
using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Execution.Evm;

/// <summary>
/// Executes EVM blocks with Block-STM on its own worker threads, with exactly the result of
/// <see cref="SequentialBlockExecutor"/>: the block's system call runs first (its writes are the engine's
/// pre-state), the transactions run in parallel through <see cref="EvmTransactionExecutor"/>, then the receipts are
/// built in order from the outputs (cumulative gas, block gas rules), the final location values become account
/// changes, and the withdrawals are credited. A block that is a dependency chain (one sender's, seen before it runs,
/// or one the engine finds and abandons) is run by the sequential executor instead, which is cheaper than the
/// engine's own fallback through the location model. A block of plain value transfers only runs on its own path,
/// scheduled by sender without the multi-version memory (<see cref="PlainTransferBlock"/>), and goes to the engine
/// when anything falls outside that plan. With exactly two threads, the blocks the engine would take run on a
/// committer and a runner instead (<see cref="RunAheadBlock"/>, <see cref="BlockStmOptions.RunAheadOnTwoThreads"/>); with
/// one, the sequential executor runs them (<see cref="BlockStmOptions.SequentialOnOneThread"/>).
/// One block at a time per executor; dispose to end its threads.
/// </summary>
public sealed class ParallelBlockExecutor : IEvmBlockExecutor, IDisposable
{
    /// <summary>Blocks smaller than this are not checked for one sender's chain: the engine's own watch is cheap enough there.</summary>
    private const int MinimumChainCheck = 64;

    /// <summary>Transactions sampled to rule out a block that one sender sends half of (<see cref="MayBeSenderChain"/>).</summary>
    private const int ChainSample = 64;

    /// <summary>Senders recovered first, on the calling thread, to tell a block of known senders from one to recover.</summary>
    private const int SenderProbe = 8;

    /// <summary>
    /// What the probe takes at most when its senders were known: a field read each (nanoseconds), where recovering
    /// one costs about 150 µs.
    /// </summary>
    private static readonly TimeSpan KnownSendersTime = TimeSpan.FromMicroseconds(20);

    private readonly BlockStmExecutor _engine;
    private readonly EvmWorkers _workers;
    private readonly SequentialBlockExecutor _sequential;

    /// <summary>
    /// The plain-transfer path's tables, reused from block to block; taken by the block that uses them (a block run
    /// beside it, against the executor's one-at-a-time rule, makes its own instead of sharing them).
    /// </summary>
    private TransferScratch? _transferScratch = new();

    /// <summary>The run-ahead path's committed state, slots and EVMs, reused and taken the same way.</summary>
    private RunAheadScratch? _runAheadScratch;

    public ParallelBlockExecutor(BlockStmOptions? options = null, EvmSpec? spec = null, PrecompileTable? precompiles = null)
    {
        _engine = new BlockStmExecutor((options ?? new BlockStmOptions()).WithDependencyChainAction(DependencyChainAction.Abandon));
        _workers = new EvmWorkers(spec ?? EvmSpecs.Cancun, precompiles ?? StandardPrecompiles.Cancun());
        _sequential = new SequentialBlockExecutor(_workers.Spec, _workers.Precompiles);
    }

    public BlockStmOptions Options => _engine.Options;

    public EvmBlockResult Execute(EvmBlock block, StateSnapshot preState)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(preState);
        var spec = _workers.Spec;
        var state = new BlockStateOverlay(preState, block.BlockHashes);
        TransactionWriteSet? systemWrites = null;
        if (block.ParentBeaconBlockRoot is { } beaconRoot)
        {
            systemWrites = BeaconRootSystemCall.Apply(state, block.Context, beaconRoot, spec, _workers.Precompiles);
        }

        // Senders first (recovered in parallel where unknown): a block that one sender sends half of is a chain, run in
        // order at once; then a block of plain transfers takes its own path.
        var transactions = block.Transactions;
        var recovered = false;
        if (transactions.Count >= MinimumChainCheck && (Options.FallBackOnDependencyChains || Options.PlainTransferPath))
        {
            RecoverSenders(transactions);
            recovered = true;
            if (Options.FallBackOnDependencyChains && IsSenderChain(transactions))
            {
                return RunSequentially(block, preState, attempt: null, recovered);
            }
        }

        if (Options.PlainTransferPath
            && transactions.Count >= Math.Max(1, Options.SequentialBelowTransactionCount)
            && RunPlainTransfers(block, state, preState) is { } plain)
        {
            return plain;
        }

        if (Options.SequentialOnOneThread && _engine.ThreadCount == 1)
        {
            return RunSequentially(block, preState, attempt: null, recovered);
        }

        if (Options.RunAheadOnTwoThreads
            && _engine.ThreadCount == 2
            && transactions.Count >= Math.Max(1, Options.SequentialBelowTransactionCount))
        {
            return RunAhead(block, preState, systemWrites);
        }

        var code = new BlockCodeStore(state);
        var executor = new EvmTransactionExecutor(block, _workers, code, finalState: state) { FinishOnWorkers = true };
        BlockExecutionResult<EvmLocation, EvmValue, TransactionOutcome> executed;
        try
        {
            executed = _engine.ExecuteBlock(block.Transactions.Count, executor, new OverlayPreStateReader(state));
        }
        catch (BlockAbandonedException abandoned)
        {
            return RunSequentially(block, preState, abandoned.Stats, recovered);
        }

        // The receipts (in order: cumulative gas, the block's gas rules) and the state changes depend on nothing of each
        // other: both are built on the engine's threads, idle now, in pieces (BlockFinish). The workers' parts of the
        // final values become the changes part by part where nothing needs joining (nearly every block); otherwise the
        // overlay takes them in, then the withdrawals, and the changes are collected from it; when the engine did not
        // finish in parallel, it applies the delta itself. A block the receipts find invalid throws from the result,
        // and the overlay is dropped with it.
        // A block that ended in parallel had its finish run by the workers as the block's last step (the executor's
        // IBlockEnd); one that fell back to sequential execution gets it here, as a job of its own.
        var finish = executor.Finish;
        var finalChanges = executor.FinishedFinalChanges;
        if (finish is null)
        {
            finalChanges = executor.TakeFinalChanges();
            var outcomes = executed.Outputs as TransactionOutcome[] ?? [.. executed.Outputs];
            finish = new BlockFinish(block, spec, outcomes, executor.Conversion(finalChanges), _engine.ThreadCount);
            _engine.Submit(finish);
            finish.Wait();
        }

        var (receipts, gasUsed, blobGasUsed, changes) = finish.Result();
        if (changes is null)
        {
            if (finalChanges is not null)
            {
                state.MergeFinalChanges(finalChanges);
            }
            else
            {
                LocationChangesApplier.Apply(state, executed.StateDelta, code);
            }

            WithdrawalProcessor.Apply(state, block.Withdrawals);
            changes = state.ToChanges();
        }

        var stats = executed.Stats is { } engineStats ? engineStats with { Finish = Stopwatch.GetElapsedTime(finish.CreatedAt) } : null;
        return new EvmBlockResult(block, preState, changes, receipts, gasUsed, blobGasUsed, stats);
    }

    /// <summary>
    /// The block as plain transfers scheduled by sender (<see cref="PlainTransferBlock"/>), or null when it is not a block
    /// of plain transfers or the run gave it up; the overlay is then as it was.
    /// </summary>
    private EvmBlockResult? RunPlainTransfers(EvmBlock block, BlockStateOverlay state, StateSnapshot preState)
    {
        var scratch = Interlocked.Exchange(ref _transferScratch, null) ?? new TransferScratch();
        (IReadOnlyList<TransactionReceipt> Receipts, ulong GasUsed, ulong BlobGasUsed, StateChanges Changes)? result;
        PlainTransferBlock? transfers;
        try
        {
            transfers = PlainTransferBlock.TryCreate(block, state, _workers, _engine.ThreadCount, scratch);
            if (transfers is null)
            {
                return null;
            }

            _engine.Submit(transfers);
            transfers.Wait();
            result = transfers.Result();
        }
        finally
        {
            scratch.Release();
            Volatile.Write(ref _transferScratch, scratch);
        }

        if (result is not { } built)
        {
            return null;
        }

        var stats = transfers.Stats();
        ExecutionMetrics.Record(stats);
        return new EvmBlockResult(block, preState, built.Changes, built.Receipts, built.GasUsed, built.BlobGasUsed, stats);
    }

    /// <summary>The block on a committer and a runner (<see cref="RunAheadBlock"/>), on the engine's two threads.</summary>
    private EvmBlockResult RunAhead(EvmBlock block, StateSnapshot preState, TransactionWriteSet? systemWrites)
    {
        var scratch = Interlocked.Exchange(ref _runAheadScratch, null) ?? new RunAheadScratch(_workers.Spec, _workers.Precompiles);
        RunAheadBlock run;
        try
        {
            run = new RunAheadBlock(block, preState, systemWrites, scratch, Options.RunAheadDistance, _engine.ThreadCount);
            _engine.Submit(run);
            run.Wait();
        }
        finally
        {
            Volatile.Write(ref _runAheadScratch, scratch);
        }

        var (receipts, changes) = run.Result();
        var stats = run.Stats();
        ExecutionMetrics.Record(stats);
        return new EvmBlockResult(block, preState, changes, receipts.Receipts, receipts.GasUsed, receipts.BlobGasUsed, stats);
    }

    /// <summary>
    /// Whether one sender sends at least half of a large block: its transactions form a chain through its nonce and
    /// balance, so the block is a dependency chain before anything runs (pevm reads the same from the senders). Senders
    /// recovered. Nearly every block has many senders, which a sample shows at once (<see cref="MayBeSenderChain"/>);
    /// only a block the sample cannot rule out is counted: the majority vote over all but the last sender (a sender of
    /// at least half of the n transactions sends more than half of those n - 1, so the vote finds it, or it sent the
    /// last one), then both candidates counted on one pass, by compares, no table of every sender.
    /// </summary>
    private static bool IsSenderChain(IReadOnlyList<Transaction> transactions)
    {
        var count = transactions.Count;
        if (count < MinimumChainCheck || !MayBeSenderChain(transactions))
        {
            return false;
        }

        var vote = default(SenderVote);
        for (var index = 0; index < count - 1; index++)
        {
            if (transactions[index].TryRecoverSender(out var sender))
            {
                vote.Add(sender);
            }
        }

        var hasCandidate = vote.Votes > 0;
        var hasLast = transactions[count - 1].TryRecoverSender(out var last);
        int fromCandidate = 0, fromLast = 0;
        foreach (var transaction in transactions)
        {
            if (transaction.TryRecoverSender(out var from))
            {
                fromCandidate += hasCandidate && from == vote.Candidate ? 1 : 0;
                fromLast += hasLast && from == last ? 1 : 0;
            }
        }

        return fromCandidate * 2 >= count || fromLast * 2 >= count;
    }

    /// <summary>
    /// Whether a sample of the block's transactions, evenly spaced, leaves one sender of half the block possible: some
    /// sender sends at least a third of the sample (a sender of half the block sends about half of any even sample, so
    /// a third leaves room for the sample's chance). The senders of more than a third are among the two candidates of
    /// the Misra-Gries count, which are then counted. Two passes over tens of thousands of transactions cost a tenth of
    /// a millisecond each; the sample costs a microsecond. Only a heuristic for speed: either way the block's result is
    /// the same.
    /// </summary>
    private static bool MayBeSenderChain(IReadOnlyList<Transaction> transactions)
    {
        var count = transactions.Count;
        var samples = Math.Min(count, ChainSample);
        Span<Address> senders = stackalloc Address[ChainSample];
        var recovered = 0;
        for (var sample = 0; sample < samples; sample++)
        {
            if (transactions[(int)((long)sample * count / samples)].TryRecoverSender(out var sender))
            {
                senders[recovered++] = sender;
            }
        }

        senders = senders[..recovered];
        Address first = default, second = default;
        int firstVotes = 0, secondVotes = 0;
        foreach (var sender in senders)
        {
            if (firstVotes > 0 && sender == first)
            {
                firstVotes++;
            }
            else if (secondVotes > 0 && sender == second)
            {
                secondVotes++;
            }
            else if (firstVotes == 0)
            {
                (first, firstVotes) = (sender, 1);
            }
            else if (secondVotes == 0)
            {
                (second, secondVotes) = (sender, 1);
            }
            else
            {
                firstVotes--;
                secondVotes--;
            }
        }

        int fromFirst = 0, fromSecond = 0;
        foreach (var sender in senders)
        {
            fromFirst += firstVotes > 0 && sender == first ? 1 : 0;
            fromSecond += secondVotes > 0 && sender == second ? 1 : 0;
        }

        return fromFirst * 3 >= samples || fromSecond * 3 >= samples;
    }

    /// <summary>
    /// Recovers (and caches in each transaction) every sender, in parallel: signature recovery costs far more than a
    /// transfer and depends on nothing, so even a block that is then run in order need not recover them in order. On
    /// the thread pool: a short burst of independent work, with none of the spinning or waiting that keeps the engine
    /// on threads of its own. A sender already known (recovered at admission) costs a field read, and a block's
    /// senders are either all known (the node's own mempool) or all to recover (a block from the network): the first
    /// few tell which, four orders of magnitude apart, and known ones are not handed to the pool at all (that cost
    /// 0.2–0.25 ms a block, and left pool threads spinning beside the engine's). A wrong guess only costs time: every
    /// later use of a sender recovers it if it is still unknown.
    /// </summary>
    private void RecoverSenders(IReadOnlyList<Transaction> transactions)
    {
        var probe = Math.Min(SenderProbe, transactions.Count);
        var started = Stopwatch.GetTimestamp();
        for (var index = 0; index < probe; index++)
        {
            transactions[index].TryRecoverSender(out _);
        }

        if (Stopwatch.GetElapsedTime(started) < KnownSendersTime)
        {
            return;
        }

        Parallel.ForEach(
            Partitioner.Create(probe, transactions.Count, Math.Max(256, transactions.Count / (4 * Options.ThreadCount))),
            new ParallelOptions { MaxDegreeOfParallelism = Options.ThreadCount },
            range =>
            {
                for (var index = range.Item1; index < range.Item2; index++)
                {
                    transactions[index].TryRecoverSender(out _);
                }
            });
    }

    /// <summary>
    /// The block as the sequential executor runs it (senders recovered in parallel first, unless <paramref name="recovered"/>
    /// says that was done already), with the cost of any abandoned attempt in its statistics.
    /// </summary>
    private EvmBlockResult RunSequentially(EvmBlock block, StateSnapshot preState, BlockExecutionStats? attempt, bool recovered)
    {
        var started = Stopwatch.GetTimestamp();
        if (!recovered)
        {
            RecoverSenders(block.Transactions);
        }

        var result = _sequential.Execute(block, preState);
        var transactions = block.Transactions.Count;
        var stats = new BlockExecutionStats
        {
            Mode = attempt is null ? BlockExecutionMode.Sequential : BlockExecutionMode.ParallelThenSequential,
            TransactionCount = transactions,
            WorkerCount = attempt?.WorkerCount ?? 1,
            Executions = (attempt?.Executions ?? 0) + transactions,

            // Each transaction the attempt ran (once or more) runs once more.
            ReExecutions = (attempt?.ReExecutions ?? 0) + ((attempt?.Executions ?? 0) - (attempt?.ReExecutions ?? 0)),
            Validations = attempt?.Validations ?? 0,
            ValidationAborts = attempt?.ValidationAborts ?? 0,
            DependencySuspensions = attempt?.DependencySuspensions ?? 0,
            Elapsed = (attempt?.Elapsed ?? TimeSpan.Zero) + Stopwatch.GetElapsedTime(started),
        };
        return new EvmBlockResult(block, preState, result.Changes, result.Receipts, result.GasUsed, result.BlobGasUsed, stats);
    }

    public void Dispose()
    {
        _engine.Dispose();
        _workers.Dispose();
    }
}
