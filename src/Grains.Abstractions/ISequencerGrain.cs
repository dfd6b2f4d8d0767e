using Hyperion.Core;

namespace Hyperion.Grains.Abstractions;

/// <summary>
/// The sequencer of one chain (key: chain id): the mempool (nonce order per sender, replacement by fee bump,
/// limits per sender and in total) and the block cadence. On each tick it orders a batch and hands it to the
/// chain's <see cref="IBlockCoordinatorGrain"/>.
/// </summary>
public interface ISequencerGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Admits a signed transaction in network encoding whose signature the caller (a gateway) has checked,
    /// recovering <paramref name="sender"/>: recovery is the costliest step of admission and is not repeated.
    /// Rejections come back in <see cref="SubmitResult.Error"/> with the wording geth uses ("nonce too low",
    /// "replacement transaction underpriced", …); nothing changes then.
    /// </summary>
    Task<SubmitResult> SubmitAsync(byte[] rawTransaction, Address sender);

    /// <summary>
    /// Admits several transactions in one call, in order, as <see cref="SubmitAsync"/> would one after another: one
    /// result per request, at the same position. A gateway under load gathers the transactions that arrive while its
    /// previous batch is in flight, so that admission costs one grain call (and one account read) per batch rather
    /// than per transaction.
    /// </summary>
    Task<SubmitResult[]> SubmitBatchAsync(SubmitRequest[] requests);

    /// <summary>The next nonce of <paramref name="sender"/> counting its pending transactions; null when it has none pending.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<ulong?> GetPendingNonceAsync(Address sender);

    /// <summary>A transaction still waiting in the mempool, or null.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<PendingTransaction?> GetPendingTransactionAsync(Hash256 hash);

    [Orleans.Concurrency.ReadOnly]
    Task<SequencerStatus> GetStatusAsync();

    /// <summary>Starts the block cadence if it is not running (activation does this; the call just activates).</summary>
    Task EnsureStartedAsync();

    /// <summary>Seals a block now with whatever is pending (even none), as <c>evm_mine</c> does; returns its number.</summary>
    Task<ulong> SealBlockAsync();
}

/// <summary>The hash of an admitted transaction, or the reason it was refused (<see cref="Error"/> set, hash zero).</summary>
[GenerateSerializer, Alias("hyperion.SubmitResult")]
public sealed record SubmitResult(Hash256 Hash, string? Error)
{
    public bool Accepted => Error is null;
}

/// <summary>
/// One transaction for <see cref="ISequencerGrain.SubmitBatchAsync"/>: its network encoding and the sender the gateway
/// recovered. Immutable (nobody writes to the bytes after the gateway read them), so a call inside one silo passes it
/// without a copy.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperion.SubmitRequest")]
public sealed record SubmitRequest(byte[] RawTransaction, Address Sender);

[GenerateSerializer, Alias("hyperion.PendingTransaction")]
public sealed record PendingTransaction(byte[] Raw, Address Sender);

/// <summary>
/// <paramref name="Pending"/>: transactions executable in nonce order; <paramref name="Queued"/>: waiting for a nonce
/// gap to close. <paramref name="BlockTimeMs"/>: the cadence (0: blocks only on demand).
/// </summary>
[GenerateSerializer, Alias("hyperion.SequencerStatus")]
public sealed record SequencerStatus(int Pending, int Queued, ulong LastSealedBlock, int BlockTimeMs);
