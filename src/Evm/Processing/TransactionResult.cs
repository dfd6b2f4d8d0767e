using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>
/// What executing a transaction produced: for an included transaction its status, gas, output, logs and the
/// state it read and wrote (nothing is written anywhere: the caller applies <see cref="WriteSet"/>); for a
/// rejected one only the <see cref="Rejection"/>.
/// </summary>
public sealed class TransactionResult
{
    private LogsBloom? _bloom;

    private TransactionResult(TransactionRejection rejection, TransactionReadSet readSet)
    {
        Rejection = rejection;
        Output = [];
        Logs = [];
        ReadSet = readSet;
        WriteSet = TransactionWriteSet.Empty;
    }

    internal TransactionResult(
        EvmStatus status,
        ulong gasUsed,
        ulong blobGasUsed,
        UInt256 coinbasePayment,
        byte[] output,
        Address? contractAddress,
        IReadOnlyList<LogEntry> logs,
        TransactionReadSet readSet,
        TransactionWriteSet writeSet)
    {
        Status = status;
        GasUsed = gasUsed;
        BlobGasUsed = blobGasUsed;
        CoinbasePayment = coinbasePayment;
        Output = output;
        ContractAddress = contractAddress;
        Logs = logs;
        ReadSet = readSet;
        WriteSet = writeSet;
    }

    /// <summary>Set when the transaction cannot be included; everything else is then empty but the read set (what
    /// the rejection depended on, such as the sender's nonce and balance).</summary>
    public TransactionRejection? Rejection { get; }

    public bool IsRejected => Rejection is not null;

    /// <summary>How the top-level call or creation ended.</summary>
    public EvmStatus Status { get; }

    /// <summary>The receipt status: included and not reverted or failed.</summary>
    public bool Succeeded => Rejection is null && Status.IsSuccess();

    /// <summary>Gas charged to the sender after refunds.</summary>
    public ulong GasUsed { get; }

    public ulong BlobGasUsed { get; }

    /// <summary>The priority fee for the block's coinbase (the base fee and blob fees are burned). Already in the
    /// write set unless the processor defers coinbase payments.</summary>
    public UInt256 CoinbasePayment { get; }

    /// <summary>The return or revert data of the top-level call.</summary>
    public byte[] Output { get; }

    /// <summary>The new contract of a successful creating transaction.</summary>
    public Address? ContractAddress { get; }

    public IReadOnlyList<LogEntry> Logs { get; }

    public LogsBloom Bloom => _bloom ??= LogsBloom.From(Logs);

    public TransactionReadSet ReadSet { get; }

    public TransactionWriteSet WriteSet { get; }

    internal static TransactionResult Rejected(TransactionRejectionReason reason, string message, TransactionReadSet readSet) =>
        new(new TransactionRejection(reason, message), readSet);

    public override string ToString() => Rejection is { } rejection
        ? $"rejected ({rejection})"
        : $"{Status}, gas used {GasUsed}, {Logs.Count} logs";
}
