using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// What executing a block gave: a receipt per transaction, the gas used, and the state changes over the pre-state.
/// The commitments (the state root, the receipts, transactions and withdrawals roots, the block's logs bloom) are
/// computed from those on first use and kept: they cost as much for every executor, and a caller that only wants
/// the state can skip them.
/// </summary>
public sealed class EvmBlockResult
{
    private readonly Lazy<StateSnapshot> _postState;
    private readonly Lazy<Hash256> _receiptsRoot;
    private readonly Lazy<Hash256> _transactionsRoot;
    private readonly Lazy<Hash256> _withdrawalsRoot;
    private readonly Lazy<LogsBloom> _logsBloom;

    public EvmBlockResult(
        EvmBlock block,
        StateSnapshot preState,
        StateChanges changes,
        IReadOnlyList<TransactionReceipt> receipts,
        ulong gasUsed,
        ulong blobGasUsed,
        BlockExecutionStats? stats)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(preState);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(receipts);
        Block = block;
        PreState = preState;
        Changes = changes;
        Receipts = receipts;
        GasUsed = gasUsed;
        BlobGasUsed = blobGasUsed;
        Stats = stats;
        _postState = new Lazy<StateSnapshot>(() => preState.Apply(changes));
        _receiptsRoot = new Lazy<Hash256>(() => OrderedTrie.ComputeRoot(receipts, static receipt => receipt.Encode()));
        _transactionsRoot = new Lazy<Hash256>(() => OrderedTrie.ComputeRoot(block.Transactions, static transaction => transaction.Encode()));
        _withdrawalsRoot = new Lazy<Hash256>(() => OrderedTrie.ComputeRoot(block.Withdrawals, static withdrawal => withdrawal.Encode()));
        _logsBloom = new Lazy<LogsBloom>(() => LogsBloom.From(receipts.SelectMany(static receipt => receipt.Logs)));
    }

    public EvmBlock Block { get; }

    public StateSnapshot PreState { get; }

    public StateChanges Changes { get; }

    public IReadOnlyList<TransactionReceipt> Receipts { get; }

    public ulong GasUsed { get; }

    public ulong BlobGasUsed { get; }

    /// <summary>How Block-STM ran the block; null for the sequential executor.</summary>
    public BlockExecutionStats? Stats { get; }

    public StateSnapshot PostState => _postState.Value;

    public Hash256 StateRoot => PostState.StateRoot;

    public Hash256 ReceiptsRoot => _receiptsRoot.Value;

    public Hash256 TransactionsRoot => _transactionsRoot.Value;

    public Hash256 WithdrawalsRoot => _withdrawalsRoot.Value;

    /// <summary>The header's bloom: the union of the receipts' blooms.</summary>
    public LogsBloom LogsBloom => _logsBloom.Value;
}
