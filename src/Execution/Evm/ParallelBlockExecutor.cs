using System.Collections.Concurrent;
using System.Runtime.InteropServices;
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
/// engine's own fallback through the location model. One block at a time per executor; dispose to end its threads.
/// </summary>
public sealed class ParallelBlockExecutor : IEvmBlockExecutor, IDisposable
{
    /// <summary>Blocks smaller than this are not checked for one sender's chain: the engine's own watch is cheap enough there.</summary>
    private const int MinimumChainCheck = 64;

    private readonly BlockStmExecutor _engine;
    private readonly EvmWorkers _workers;
    private readonly SequentialBlockExecutor _sequential;

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
        if (block.ParentBeaconBlockRoot is { } beaconRoot)
        {
            BeaconRootSystemCall.Apply(state, block.Context, beaconRoot, spec, _workers.Precompiles);
        }

        if (Options.FallBackOnDependencyChains && IsSenderChain(block.Transactions))
        {
            return RunSequentially(block, preState, attempt: null);
        }

        var code = new BlockCodeStore(state);
        BlockExecutionResult<EvmLocation, EvmValue, TransactionOutcome> executed;
        try
        {
            executed = _engine.ExecuteBlock(
                block.Transactions.Count,
                new EvmTransactionExecutor(block, _workers, code),
                new OverlayPreStateReader(state));
        }
        catch (BlockAbandonedException abandoned)
        {
            return RunSequentially(block, preState, abandoned.Stats);
        }

        var receipts = new BlockReceiptBuilder(block, spec);
        foreach (var outcome in executed.Outputs)
        {
            receipts.Add(outcome);
        }

        LocationChangesApplier.Apply(state, executed.StateDelta, code);
        WithdrawalProcessor.Apply(state, block.Withdrawals);
        return new EvmBlockResult(block, preState, state.ToChanges(), receipts.Receipts, receipts.GasUsed, receipts.BlobGasUsed, executed.Stats);
    }

    /// <summary>
    /// Whether one sender sends at least half of a large block: its transactions form a chain through its nonce and
    /// balance, so the block is a dependency chain before anything runs (pevm reads the same from the senders).
    /// Recovers the senders first, in parallel, which a sequential run then needs anyway.
    /// </summary>
    private bool IsSenderChain(IReadOnlyList<Transaction> transactions)
    {
        if (transactions.Count < MinimumChainCheck)
        {
            return false;
        }

        RecoverSenders(transactions);
        var counts = new Dictionary<Address, int>();
        foreach (var transaction in transactions)
        {
            if (!transaction.TryRecoverSender(out var sender))
            {
                continue;
            }

            ref var count = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, sender, out _);
            if (++count * 2 >= transactions.Count)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Recovers (and caches in each transaction) every sender, in parallel: signature recovery costs far more than a
    /// transfer and depends on nothing, so even a block that is then run in order need not recover them in order. On
    /// the thread pool: a short burst of independent work, with none of the spinning or waiting that keeps the engine
    /// on threads of its own. A sender already known (recovered at admission) costs a field read.
    /// </summary>
    private void RecoverSenders(IReadOnlyList<Transaction> transactions) =>
        Parallel.ForEach(
            Partitioner.Create(0, transactions.Count, Math.Max(256, transactions.Count / (4 * Options.ThreadCount))),
            new ParallelOptions { MaxDegreeOfParallelism = Options.ThreadCount },
            range =>
            {
                for (var index = range.Item1; index < range.Item2; index++)
                {
                    transactions[index].TryRecoverSender(out _);
                }
            });

    /// <summary>The block as the sequential executor runs it (senders recovered in parallel first), with the cost of any abandoned attempt in its statistics.</summary>
    private EvmBlockResult RunSequentially(EvmBlock block, StateSnapshot preState, BlockExecutionStats? attempt)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        RecoverSenders(block.Transactions);
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
            Elapsed = (attempt?.Elapsed ?? TimeSpan.Zero) + System.Diagnostics.Stopwatch.GetElapsedTime(started),
        };
        return new EvmBlockResult(block, preState, result.Changes, result.Receipts, result.GasUsed, result.BlobGasUsed, stats);
    }

    public void Dispose()
    {
        _engine.Dispose();
        _workers.Dispose();
    }
}
