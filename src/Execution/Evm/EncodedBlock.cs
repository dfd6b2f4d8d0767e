using Hyperion.Core.Rlp;
using Hyperion.Core.Transactions;

namespace Hyperion.Execution.Evm;

/// <summary>A block as it travels: rlp([header, transactions, ommers, withdrawals]), decoded.</summary>
public sealed class EncodedBlock
{
    private EncodedBlock(BlockHeader header, IReadOnlyList<Transaction> transactions, int ommerCount, IReadOnlyList<Withdrawal>? withdrawals)
    {
        Header = header;
        Transactions = transactions;
        OmmerCount = ommerCount;
        Withdrawals = withdrawals;
    }

    public BlockHeader Header { get; }

    public IReadOnlyList<Transaction> Transactions { get; }

    /// <summary>Uncle headers carried (none are valid after the merge).</summary>
    public int OmmerCount { get; }

    /// <summary>Null before Shanghai (the list is absent).</summary>
    public IReadOnlyList<Withdrawal>? Withdrawals { get; }

    /// <summary>Decodes a block; throws <see cref="InvalidBlockException"/> (<see cref="BlockRejectionReason.Malformed"/>) when it is not one.</summary>
    public static EncodedBlock Decode(ReadOnlySpan<byte> encoded)
    {
        try
        {
            var outer = new RlpReader(encoded);
            var parts = outer.ReadList();
            outer.EnsureEnd();
            var header = BlockHeader.Decode(parts.ReadEncodedItem());
            var transactions = new List<Transaction>();
            var transactionList = parts.ReadList();
            while (!transactionList.IsEnd)
            {
                transactions.Add(Transaction.ReadFrom(ref transactionList));
            }

            var ommers = parts.ReadList();
            var ommerCount = 0;
            while (!ommers.IsEnd)
            {
                ommers.Skip();
                ommerCount++;
            }

            List<Withdrawal>? withdrawals = null;
            if (!parts.IsEnd)
            {
                withdrawals = [];
                var withdrawalList = parts.ReadList();
                while (!withdrawalList.IsEnd)
                {
                    withdrawals.Add(Withdrawal.ReadFrom(ref withdrawalList));
                }
            }

            parts.EnsureEnd();
            return new EncodedBlock(header, transactions, ommerCount, withdrawals);
        }
        catch (Exception e) when (e is RlpException or InvalidTransactionException)
        {
            throw new InvalidBlockException(BlockRejectionReason.Malformed, e.Message, innerException: e);
        }
    }
}
