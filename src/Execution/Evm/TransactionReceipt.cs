using Hyperion.Core;
using Hyperion.Core.Rlp;
using Hyperion.Core.Transactions;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The receipt of an included transaction. Its consensus form (what the receipts trie holds) is
/// rlp([status, cumulativeGasUsed, logsBloom, logs]), prefixed with the transaction type for typed transactions
/// (EIP-2718); the other fields are for users.
/// </summary>
public sealed class TransactionReceipt
{
    private LogsBloom? _bloom;

    public TransactionReceipt(
        TxType type,
        bool succeeded,
        ulong cumulativeGasUsed,
        ulong gasUsed,
        ulong blobGasUsed,
        IReadOnlyList<LogEntry> logs,
        LogsBloom? bloom,
        Address? contractAddress)
    {
        ArgumentNullException.ThrowIfNull(logs);
        Type = type;
        Succeeded = succeeded;
        CumulativeGasUsed = cumulativeGasUsed;
        GasUsed = gasUsed;
        BlobGasUsed = blobGasUsed;
        Logs = logs;
        ContractAddress = contractAddress;
        _bloom = bloom;
    }

    public TxType Type { get; }

    /// <summary>EIP-658's status: 1 when the transaction neither reverted nor failed.</summary>
    public bool Succeeded { get; }

    /// <summary>Gas used by this transaction and every one before it in the block.</summary>
    public ulong CumulativeGasUsed { get; }

    public ulong GasUsed { get; }

    public ulong BlobGasUsed { get; }

    public IReadOnlyList<LogEntry> Logs { get; }

    /// <summary>The logs' bloom; made on first use when the transaction logged nothing.</summary>
    public LogsBloom Bloom => _bloom ??= LogsBloom.From(Logs);

    public Address? ContractAddress { get; }

    /// <summary>The consensus encoding (EIP-2718: type ‖ rlp(...) for typed transactions, the bare list for legacy ones).</summary>
    public byte[] Encode()
    {
        var writer = new RlpWriter(300 + (Logs.Count * 128));
        if (Type != TxType.Legacy)
        {
            writer.WriteEncoded([(byte)Type]);
        }

        writer.StartList()
            .WriteUInt64(Succeeded ? 1UL : 0UL)
            .WriteUInt64(CumulativeGasUsed)
            .WriteBytes(Bloom.Bytes)
            .StartList();
        foreach (var log in Logs)
        {
            log.WriteTo(writer);
        }

        writer.EndList().EndList();
        return writer.ToArray();
    }

    public override string ToString() =>
        $"{(Succeeded ? "success" : "failure")}, cumulative gas {CumulativeGasUsed}, {Logs.Count} logs";
}
