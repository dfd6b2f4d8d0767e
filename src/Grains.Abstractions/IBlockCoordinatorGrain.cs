using Hyperion.Core;

namespace Hyperion.Grains.Abstractions;

/// <summary>
/// The block coordinator of one chain (key: chain id): holds the head and a hot state cache, runs each ordered batch
/// through Block-STM on worker threads of its own, writes the block, its receipts and its state delta to the block
/// log as one unit, then updates the account and contract grains. After a restart it replays the block log from the
/// point the grains confirmed.
/// </summary>
public interface IBlockCoordinatorGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Executes and commits one block of <paramref name="proposal"/>'s transactions, in order; a transaction that
    /// cannot be included is left out and reported in <see cref="BlockCommitResult.Rejected"/>. When this returns, the
    /// block is durable.
    /// </summary>
    Task<BlockCommitResult> ExecuteBlockAsync(BlockProposal proposal);

    [Orleans.Concurrency.ReadOnly]
    Task<ChainHead> GetHeadAsync();

    /// <summary>The accounts at the head, in the order asked.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<AccountView[]> GetAccountsAsync(Address[] addresses);

    /// <summary>Runs a message call against the head state without committing anything (<c>eth_call</c>).</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<CallResult> CallAsync(CallRequest request);

    /// <summary>The least gas limit with which the call succeeds (<c>eth_estimateGas</c>), by binary search.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<CallResult> EstimateGasAsync(CallRequest request);

    /// <summary>Activates the coordinator (replaying the block log if needed) and returns the head.</summary>
    Task<ChainHead> EnsureActiveAsync();
}

/// <summary>Transactions in network encoding, their recovered senders (same order), and the block's timestamp.</summary>
[GenerateSerializer, Alias("hyperion.BlockProposal")]
public sealed record BlockProposal(byte[][] Transactions, Address[] Senders, ulong Timestamp);

[GenerateSerializer, Alias("hyperion.BlockCommitResult")]
public sealed record BlockCommitResult(ulong Number, Hash256 Hash, Hash256[] Included, RejectedTransaction[] Rejected);

/// <summary>A transaction left out of a block. <paramref name="Retry"/>: it may fit a later block (e.g. gas limit reached).</summary>
[GenerateSerializer, Alias("hyperion.RejectedTransaction")]
public sealed record RejectedTransaction(Hash256 Hash, string Reason, bool Retry);

[GenerateSerializer, Alias("hyperion.ChainHead")]
public sealed record ChainHead(ulong Number, Hash256 Hash, Hash256 StateRoot, ulong Timestamp, ulong GasLimit, ulong GasUsed, UInt256 BaseFee);

/// <summary>
/// The fields of <c>eth_call</c>'s call object. Absent gas means the block gas limit; absent fee fields mean a zero
/// gas price (no balance needed for fees, as geth does for calls).
/// </summary>
[GenerateSerializer, Alias("hyperion.CallRequest")]
public sealed record CallRequest(
    Address? From,
    Address? To,
    ulong? Gas,
    UInt256? GasPrice,
    UInt256? MaxFeePerGas,
    UInt256? MaxPriorityFeePerGas,
    UInt256 Value,
    byte[] Data);

/// <summary>
/// A call's outcome: <paramref name="Success"/> false with <paramref name="Error"/> ("execution reverted", "out of
/// gas", …) and the revert data in <paramref name="ReturnData"/>. For an estimate, <paramref name="GasUsed"/> is the estimate.
/// </summary>
[GenerateSerializer, Alias("hyperion.CallResult")]
public sealed record CallResult(bool Success, byte[] ReturnData, ulong GasUsed, string? Error);
