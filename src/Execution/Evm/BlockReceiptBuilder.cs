using Hyperion.Core.Transactions;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// Walks a block's transaction outcomes in order: enforces the block-level rules that depend on the transactions
/// before (the gas pool: a transaction's gas limit must fit in what the block has left; the blob gas limit) and
/// builds the receipts with their cumulative gas. The sequential executor calls it after each transaction; the
/// parallel one calls it after the block, in the same order, so both reject a block for the same first reason. A
/// path that builds the receipts in pieces at once (<see cref="TryBuildRange"/>) applies the same rules, and hands a
/// block that breaks one to this walk, which names the first failure.
/// </summary>
internal sealed class BlockReceiptBuilder
{
    private readonly EvmBlock _block;
    private readonly ulong _maxBlobGas;
    private readonly List<TransactionReceipt> _receipts;

    public BlockReceiptBuilder(EvmBlock block, EvmSpec spec)
    {
        _block = block;
        _maxBlobGas = MaxBlobGas(spec);
        _receipts = new List<TransactionReceipt>(block.Transactions.Count);
    }

    public ulong GasUsed { get; private set; }

    public ulong BlobGasUsed { get; private set; }

    public IReadOnlyList<TransactionReceipt> Receipts => _receipts;

    /// <summary>The blob gas a block may use under <paramref name="spec"/>.</summary>
    public static ulong MaxBlobGas(EvmSpec spec) => (ulong)spec.TransactionRules.MaxBlobsPerBlock * BlobSidecar.BlobGasPerBlob;

    /// <summary>Takes the next transaction's outcome; throws <see cref="InvalidBlockException"/> when it invalidates the block.</summary>
    public void Add(TransactionOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var index = _receipts.Count;
        if (Violation(_block, index, outcome, GasUsed, BlobGasUsed, _maxBlobGas) is { } invalid)
        {
            throw invalid;
        }

        GasUsed += outcome.GasUsed;
        BlobGasUsed += outcome.BlobGasUsed;
        _receipts.Add(Receipt(_block.Transactions[index], outcome, GasUsed));
    }

    /// <summary>
    /// The receipts of transactions <paramref name="start"/> onwards (as many as <paramref name="receipts"/> holds), given
    /// the gas and blob gas of the transactions before them, for a block whose receipts are built in pieces at once.
    /// False, with the piece incomplete, when a block rule fails in it: the walk of <see cref="Add"/> then names the
    /// block's first failure.
    /// </summary>
    public static bool TryBuildRange(
        EvmBlock block,
        ulong maxBlobGas,
        ReadOnlySpan<TransactionOutcome> outcomes,
        int start,
        ulong gasBefore,
        ulong blobGasBefore,
        Span<TransactionReceipt> receipts)
    {
        var gasUsed = gasBefore;
        var blobGasUsed = blobGasBefore;
        for (var offset = 0; offset < receipts.Length; offset++)
        {
            var index = start + offset;
            var outcome = outcomes[index];

            // Past the limit already (a saturated sum of the pieces before): an earlier transaction broke the rule.
            if (gasUsed > block.Context.GasLimit || Violation(block, index, outcome, gasUsed, blobGasUsed, maxBlobGas) is not null)
            {
                return false;
            }

            gasUsed += outcome.GasUsed;
            blobGasUsed += outcome.BlobGasUsed;
            receipts[offset] = Receipt(block.Transactions[index], outcome, gasUsed);
        }

        return true;
    }

    /// <summary>
    /// For a block whose receipts built in pieces broke a rule: walks the outcomes in order and throws the
    /// <see cref="InvalidBlockException"/> of the first failure, as every executor reports it.
    /// </summary>
    public static void ThrowFirstBrokenRule(EvmBlock block, EvmSpec spec, ReadOnlySpan<TransactionOutcome> outcomes)
    {
        var walk = new BlockReceiptBuilder(block, spec);
        foreach (var outcome in outcomes)
        {
            walk.Add(outcome);
        }

        throw new InvalidOperationException("The receipts built in pieces broke a block rule that the walk over them did not: report this as a bug.");
    }

    /// <summary>
    /// A gas sum of pieces of a block, saturated: one past the block's gas limit only has to stay past it for
    /// <see cref="TryBuildRange"/> to find the rule broken.
    /// </summary>
    public static ulong SaturatingAdd(ulong a, ulong b) => a > ulong.MaxValue - b ? ulong.MaxValue : a + b;

    /// <summary>Why transaction <paramref name="index"/> invalidates the block after transactions that used the gas given, or null.</summary>
    private static InvalidBlockException? Violation(EvmBlock block, int index, TransactionOutcome outcome, ulong gasUsed, ulong blobGasUsed, ulong maxBlobGas)
    {
        var transaction = block.Transactions[index];
        if (outcome.Rejection is { } rejection)
        {
            return new InvalidBlockException(BlockRejectionReason.InvalidTransaction, rejection.ToString(), index, rejection);
        }

        var gasLeft = block.Context.GasLimit - gasUsed;
        if (transaction.GasLimit > gasLeft)
        {
            return new InvalidBlockException(
                BlockRejectionReason.BlockGasLimitExceeded,
                $"The gas limit {transaction.GasLimit} is above the {gasLeft} gas the block has left.",
                index);
        }

        if (blobGasUsed + outcome.BlobGasUsed > maxBlobGas)
        {
            return new InvalidBlockException(
                BlockRejectionReason.BlobGasLimitExceeded,
                $"The blobs bring the block's blob gas to {blobGasUsed + outcome.BlobGasUsed}, above the limit of {maxBlobGas}.",
                index);
        }

        return null;
    }

    private static TransactionReceipt Receipt(Transaction transaction, TransactionOutcome outcome, ulong cumulativeGasUsed) => new(
        transaction.Type,
        outcome.Succeeded,
        cumulativeGasUsed,
        outcome.GasUsed,
        outcome.BlobGasUsed,
        outcome.Logs,
        outcome.Bloom,
        outcome.ContractAddress);
}
