using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// What one transaction of a block came to, without its read and write sets: enough to build its receipt once the
/// block is done, and what a Block-STM execution hands back as its output. A rejected transaction (it cannot be
/// included at all) carries only its <see cref="Rejection"/>, which makes the block invalid.
/// </summary>
public sealed class TransactionOutcome
{
    private TransactionOutcome(
        TransactionRejection? rejection,
        EvmStatus status,
        ulong gasUsed,
        ulong blobGasUsed,
        IReadOnlyList<LogEntry> logs,
        LogsBloom? bloom,
        Address? contractAddress,
        byte[] output)
    {
        Bloom = bloom;
        Rejection = rejection;
        Status = status;
        GasUsed = gasUsed;
        BlobGasUsed = blobGasUsed;
        Logs = logs;
        ContractAddress = contractAddress;
        Output = output;
    }

    public TransactionRejection? Rejection { get; }

    public bool IsRejected => Rejection is not null;

    public EvmStatus Status { get; }

    /// <summary>The receipt status: included and not reverted or failed.</summary>
    public bool Succeeded => Rejection is null && Status.IsSuccess();

    public ulong GasUsed { get; }

    public ulong BlobGasUsed { get; }

    public IReadOnlyList<LogEntry> Logs { get; }

    /// <summary>
    /// The bloom of <see cref="Logs"/>, computed with the transaction (on the worker that ran it, under Block-STM);
    /// null when there are no logs (most transfers), which saves every such transaction an empty 256-byte filter, or
    /// when it was left to the receipt (<see cref="From(TransactionResult, bool)"/>).
    /// </summary>
    public LogsBloom? Bloom { get; }

    public Address? ContractAddress { get; }

    /// <summary>The return or revert data of the top-level call.</summary>
    public byte[] Output { get; }

    public static TransactionOutcome From(TransactionResult result) => From(result, withBloom: true);

    /// <summary>
    /// The outcome, with the logs' bloom made now or (<paramref name="withBloom"/> false) left to the receipt, which
    /// makes it on first use: for an executor that has a thread with less to do at the end of the block than now.
    /// </summary>
    public static TransactionOutcome From(TransactionResult result, bool withBloom)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new TransactionOutcome(
            result.Rejection,
            result.Status,
            result.GasUsed,
            result.BlobGasUsed,
            result.Logs,
            withBloom && result.Logs.Count > 0 ? result.Bloom : null,
            result.ContractAddress,
            result.Output);
    }

    public override string ToString() => Rejection is { } rejection
        ? $"rejected ({rejection})"
        : $"{Status}, gas used {GasUsed}, {Logs.Count} logs";
}
