using Hyperion.Evm;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The reference executor and the oracle for Block-STM: the block's transactions one after another, each through
/// the plain <see cref="TransactionProcessor"/> (the coinbase paid inside every transaction, as go-ethereum does)
/// over the state so far, its write set applied before the next. It shares no code with the location model, the
/// lazy credits or the multi-version memory, only the block-level steps (system call, receipts, withdrawals).
/// Thread-safe: each call uses its own processor.
/// </summary>
public sealed class SequentialBlockExecutor : IEvmBlockExecutor
{
    private readonly EvmSpec _spec;
    private readonly PrecompileTable _precompiles;

    public SequentialBlockExecutor(EvmSpec? spec = null, PrecompileTable? precompiles = null)
    {
        _spec = spec ?? EvmSpecs.Cancun;
        _precompiles = precompiles ?? StandardPrecompiles.Cancun();
    }

    public EvmBlockResult Execute(EvmBlock block, StateSnapshot preState)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(preState);
        var state = new BlockStateOverlay(preState, block.BlockHashes);
        if (block.ParentBeaconBlockRoot is { } beaconRoot)
        {
            BeaconRootSystemCall.Apply(state, block.Context, beaconRoot, _spec, _precompiles);
        }

        // Nothing here uses the EVM's read set (the write set is applied as it is), and Block-STM's processor skips it too.
        var processor = new TransactionProcessor(_spec, _precompiles, buildReadSet: false);
        var receipts = new BlockReceiptBuilder(block, _spec);
        foreach (var transaction in block.Transactions)
        {
            var result = processor.Execute(transaction, block.Context, state);
            receipts.Add(TransactionOutcome.From(result));
            state.Apply(result.WriteSet);
        }

        WithdrawalProcessor.Apply(state, block.Withdrawals);
        return new EvmBlockResult(block, preState, state.ToChanges(), receipts.Receipts, receipts.GasUsed, receipts.BlobGasUsed, stats: null);
    }
}
