using Hyperion.Core;

namespace Hyperion.Grains.Abstractions;

/// <summary>
/// Reads committed blocks, transactions and receipts of one chain (key: chain id) from the block log. A stateless
/// worker (the implementation is marked so): every silo runs local copies, so RPC reads scale with the silos and never queue behind block execution.
/// </summary>
public interface IChainReaderGrain : IGrainWithIntegerKey
{
    /// <summary>The number of the newest committed block (0 is genesis).</summary>
    Task<ulong> GetHeadNumberAsync();

    Task<BlockRecord?> GetBlockByNumberAsync(ulong number);

    Task<BlockRecord?> GetBlockByHashAsync(Hash256 hash);

    /// <summary>A committed transaction, or null (a pending one is the sequencer's).</summary>
    Task<TransactionRecord?> GetTransactionAsync(Hash256 hash);

    Task<ReceiptRecord?> GetReceiptAsync(Hash256 transactionHash);

    Task<ReceiptRecord[]> GetBlockReceiptsAsync(ulong number);

    /// <summary><c>eth_feeHistory</c> over up to <paramref name="blockCount"/> blocks ending at <paramref name="newestBlock"/>.</summary>
    Task<FeeHistoryRecord> GetFeeHistoryAsync(int blockCount, ulong newestBlock, double[] rewardPercentiles);
}

[GenerateSerializer, Alias("hyperion.BlockHeaderRecord")]
public sealed record BlockHeaderRecord(
    Hash256 ParentHash,
    Hash256 OmmersHash,
    Address Coinbase,
    Hash256 StateRoot,
    Hash256 TransactionsRoot,
    Hash256 ReceiptsRoot,
    byte[] LogsBloom,
    UInt256 Difficulty,
    ulong Number,
    ulong GasLimit,
    ulong GasUsed,
    ulong Timestamp,
    byte[] ExtraData,
    Hash256 MixHash,
    ulong Nonce,
    UInt256? BaseFeePerGas,
    Hash256? WithdrawalsRoot,
    ulong? BlobGasUsed,
    ulong? ExcessBlobGas,
    Hash256? ParentBeaconBlockRoot);

/// <summary>A committed block: header, hash, RLP size, transactions in network encoding and their senders.</summary>
[GenerateSerializer, Alias("hyperion.BlockRecord")]
public sealed record BlockRecord(BlockHeaderRecord Header, Hash256 Hash, ulong Size, byte[][] Transactions, Address[] Senders);

/// <summary>A transaction in network encoding with where it was included.</summary>
[GenerateSerializer, Alias("hyperion.TransactionRecord")]
public sealed record TransactionRecord(byte[] Raw, Address Sender, Hash256 BlockHash, ulong BlockNumber, int Index, UInt256 BaseFee);

[GenerateSerializer, Alias("hyperion.LogRecord")]
public sealed record LogRecord(Address Address, Hash256[] Topics, byte[] Data, int LogIndex);

[GenerateSerializer, Alias("hyperion.ReceiptRecord")]
public sealed record ReceiptRecord(
    Hash256 TransactionHash,
    int TransactionIndex,
    Hash256 BlockHash,
    ulong BlockNumber,
    Address From,
    Address? To,
    Address? ContractAddress,
    ulong CumulativeGasUsed,
    ulong GasUsed,
    UInt256 EffectiveGasPrice,
    bool Success,
    byte Type,
    byte[] LogsBloom,
    LogRecord[] Logs,
    ulong? BlobGasUsed,
    UInt256? BlobGasPrice);

[GenerateSerializer, Alias("hyperion.FeeHistoryRecord")]
public sealed record FeeHistoryRecord(
    ulong OldestBlock,
    UInt256[] BaseFeePerGas,
    double[] GasUsedRatio,
    UInt256[][] Reward,
    UInt256[] BaseFeePerBlobGas,
    double[] BlobGasUsedRatio);
