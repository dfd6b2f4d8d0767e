using Hyperion.Core;

namespace Hyperion.Grains.Storage;

/// <summary>
/// The block log of one chain: the durable record of every committed block, written before the block is reported.
/// It is the unit of "nothing committed is ever lost": a block, its receipts and its state delta go in with one
/// <see cref="AppendAsync"/>, all or nothing, and the account and contract grains are rebuilt from it after a crash.
/// Every silo opens the same log (a file shared by the silos of one machine, or Azure Storage), so the coordinator
/// can reactivate anywhere. Appends are fenced: a second writer for the same block number loses.
/// </summary>
public interface IBlockLog
{
    ulong ChainId { get; }

    /// <summary>
    /// Appends block <see cref="BlockLogEntry.Number"/>, which must be the head's number + 1 (0 when the log is
    /// empty). Durable when the task completes. Throws <see cref="BlockLogConflictException"/> when that number is
    /// already written (another coordinator got there first) or does not follow the head; nothing changes then.
    /// </summary>
    Task AppendAsync(BlockLogEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The newest block's number, or null when the log is empty.</summary>
    Task<ulong?> GetHeadNumberAsync(CancellationToken cancellationToken = default);

    Task<BlockLogEntry?> ReadAsync(ulong number, CancellationToken cancellationToken = default);

    Task<ulong?> FindBlockNumberAsync(Hash256 blockHash, CancellationToken cancellationToken = default);

    /// <summary>The block number and position of a committed transaction, or null.</summary>
    Task<TransactionLocation?> FindTransactionAsync(Hash256 transactionHash, CancellationToken cancellationToken = default);

    /// <summary>Stores the whole state after block <paramref name="blockNumber"/> (opaque bytes), replacing older checkpoints.</summary>
    Task WriteCheckpointAsync(ulong blockNumber, byte[] state, CancellationToken cancellationToken = default);

    /// <summary>The newest checkpoint, or null when none was written.</summary>
    Task<StateCheckpoint?> ReadLatestCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets a named counter durably (e.g. the block up to which the grains confirmed their writes).</summary>
    Task SetMarkerAsync(string name, ulong value, CancellationToken cancellationToken = default);

    /// <summary>A named counter, or null when never set.</summary>
    Task<ulong?> GetMarkerAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>Opens the block log of a chain; one instance per silo, registered by the storage configuration.</summary>
public interface IBlockLogProvider
{
    /// <summary>The log of <paramref name="chainId"/>, created empty if it does not exist. The same instance each time.</summary>
    IBlockLog Open(ulong chainId);
}

/// <summary>
/// One committed block. <see cref="Block"/> and <see cref="StateChanges"/> are opaque to the log (the coordinator
/// encodes them); <see cref="TransactionHashes"/> feeds the transaction index.
/// </summary>
public sealed record BlockLogEntry(
    ulong Number,
    Hash256 Hash,
    Hash256 ParentHash,
    byte[] Block,
    byte[] StateChanges,
    IReadOnlyList<Hash256> TransactionHashes);

public readonly record struct TransactionLocation(ulong BlockNumber, int Index);

public sealed record StateCheckpoint(ulong BlockNumber, byte[] State);

/// <summary>An append that lost: the block number is taken or does not follow the head.</summary>
public sealed class BlockLogConflictException : Exception
{
    public BlockLogConflictException()
    {
    }

    public BlockLogConflictException(string message)
        : base(message)
    {
    }

    public BlockLogConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
