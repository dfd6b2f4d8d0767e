using Hyperion.Core.Transactions;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// Walks a block's transaction outcomes in order: enforces the block-level rules that depend on the transactions
/// before (the gas pool: a transaction's gas limit must fit in what the block has left; the blob gas limit) and
/// builds the receipts with their cumulative gas. The sequential executor calls it after each transaction; the
/// parallel one calls it after the block, in the same order, so both reject a block for the same first reason.
/// </summary>
internal sealed class BlockReceiptBuilder
{
    private readonly EvmBlock _block;
    private readonly ulong _maxBlobGas;
    private readonly List<TransactionReceipt> _receipts;

    public BlockReceiptBuilder(EvmBlock block, EvmSpec spec)
    {
        _block = block;
        _maxBlobGas = (ulong)spec.TransactionRules.MaxBlobsPerBlock * BlobSidecar.BlobGasPerBlob;
        _receipts = new List<TransactionReceipt>(block.Transactions.Count);
    }

    public ulong GasUsed { get; private set; }

    public ulong BlobGasUsed { get; private set; }

    public IReadOnlyList<TransactionReceipt> Receipts => _receipts;

    /// <summary>Takes the next transaction's outcome; throws <see cref="InvalidBlockException"/> when it invalidates the block.</summary>
    public void Add(TransactionOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var index = _receipts.Count;
        var transaction = _block.Transactions[index];
        if (outcome.Rejection is { } rejection)
        {
            throw new InvalidBlockException(BlockRejectionReason.InvalidTransaction, rejection.ToString(), index, rejection);
        }

        var gasLeft = _block.Context.GasLimit - GasUsed;
        if (transaction.GasLimit > gasLeft)
        {
            throw new InvalidBlockException(
                BlockRejectionReason.BlockGasLimitExceeded,
                $"The gas limit {transaction.GasLimit} is above the {gasLeft} gas the block has left.",
                index);
        }

        if (BlobGasUsed + outcome.BlobGasUsed > _maxBlobGas)
        {
            throw new InvalidBlockException(
                BlockRejectionReason.BlobGasLimitExceeded,
                $"The blobs bring the block's blob gas to {BlobGasUsed + outcome.BlobGasUsed}, above the limit of {_maxBlobGas}.",
                index);
        }

        GasUsed += outcome.GasUsed;
        BlobGasUsed += outcome.BlobGasUsed;
        _receipts.Add(new TransactionReceipt(
            transaction.Type,
            outcome.Succeeded,
            GasUsed,
            outcome.GasUsed,
            outcome.BlobGasUsed,
            outcome.Logs,
            outcome.Bloom,
            outcome.ContractAddress));
    }
}
