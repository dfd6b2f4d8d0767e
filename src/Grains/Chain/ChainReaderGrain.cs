using System.Collections.Concurrent;
using Hyperion.Core;
using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Execution.Evm;
using Hyperion.Grains.Abstractions;
using Hyperion.Grains.Storage;
using Orleans.Concurrency;

namespace Hyperion.Grains.Chain;

/// <summary>
/// Serves committed blocks, transactions and receipts from the block log, on every silo (a stateless worker), so
/// reads scale with silos and never wait behind block execution. A block is visible once the coordinator has
/// published it (after the account grains have it too), so a receipt and the balances it implies agree.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class ChainReaderGrain(IBlockLogProvider blockLogs, StoredBlockCache cache) : Grain, IChainReaderGrain
{
    /// <summary>EIP-4844's blob gas per block at most (6 blobs).</summary>
    private const double MaxBlobGasPerBlock = 786_432;

    private ulong ChainId => (ulong)this.GetPrimaryKeyLong();

    public async Task<ulong> GetHeadNumberAsync() =>
        (await GrainFactory.GetBlockCoordinatorGrain(ChainId).GetHeadAsync().ConfigureAwait(true)).Number;

    public async Task<BlockRecord?> GetBlockByNumberAsync(ulong number)
    {
        var block = await ReadVisibleAsync(number).ConfigureAwait(true);
        return block is null ? null : ChainRecords.ToRecord(block.Block, block.Hash);
    }

    public async Task<BlockRecord?> GetBlockByHashAsync(Hash256 hash)
    {
        var number = await blockLogs.Open(ChainId).FindBlockNumberAsync(hash).ConfigureAwait(true);
        return number is null ? null : await GetBlockByNumberAsync(number.Value).ConfigureAwait(true);
    }

    public async Task<TransactionRecord?> GetTransactionAsync(Hash256 hash)
    {
        var location = await blockLogs.Open(ChainId).FindTransactionAsync(hash).ConfigureAwait(true);
        if (location is not { } found)
        {
            return null;
        }

        var block = await ReadVisibleAsync(found.BlockNumber).ConfigureAwait(true);
        return block is null || found.Index >= block.Block.Transactions.Count
            ? null
            : ChainRecords.ToTransactionRecord(block.Block, block.Hash, found.Index);
    }

    public async Task<ReceiptRecord?> GetReceiptAsync(Hash256 transactionHash)
    {
        var location = await blockLogs.Open(ChainId).FindTransactionAsync(transactionHash).ConfigureAwait(true);
        if (location is not { } found)
        {
            return null;
        }

        var receipts = await GetBlockReceiptsAsync(found.BlockNumber).ConfigureAwait(true);
        return found.Index < receipts.Length ? receipts[found.Index] : null;
    }

    public async Task<ReceiptRecord[]> GetBlockReceiptsAsync(ulong number)
    {
        var block = await ReadVisibleAsync(number).ConfigureAwait(true);
        return block is null ? [] : block.Receipts.Value;
    }

    public async Task<FeeHistoryRecord> GetFeeHistoryAsync(int blockCount, ulong newestBlock, double[] rewardPercentiles)
    {
        ArgumentNullException.ThrowIfNull(rewardPercentiles);
        var head = await GetHeadNumberAsync().ConfigureAwait(true);
        var newest = Math.Min(newestBlock, head);
        var count = (ulong)Math.Clamp(blockCount, 0, 1024);
        count = Math.Min(count, newest + 1);
        var oldest = newest + 1 - count;
        var baseFees = new List<UInt256>();
        var blobBaseFees = new List<UInt256>();
        var ratios = new List<double>();
        var blobRatios = new List<double>();
        var rewards = new List<UInt256[]>();
        BlockHeader? last = null;
        for (var number = oldest; number <= newest && count > 0; number++)
        {
            var block = await ReadVisibleAsync(number).ConfigureAwait(true);
            if (block is null)
            {
                break;
            }

            var header = block.Block.Header;
            last = header;
            baseFees.Add(header.BaseFeePerGas ?? UInt256.Zero);
            blobBaseFees.Add(BlockContext.ComputeBlobBaseFee(header.ExcessBlobGas ?? 0));
            ratios.Add(header.GasLimit == 0 ? 0 : (double)header.GasUsed / header.GasLimit);
            blobRatios.Add((header.BlobGasUsed ?? 0) / MaxBlobGasPerBlock);
            if (rewardPercentiles.Length > 0)
            {
                rewards.Add(Rewards(block.Block, rewardPercentiles));
            }
        }

        if (last is not null)
        {
            // One more entry than blocks: the base fees of the block after the newest.
            baseFees.Add(BlockHeaderRules.CalculateBaseFee(last));
            blobBaseFees.Add(BlockContext.ComputeBlobBaseFee(BlockHeaderRules.CalculateExcessBlobGas(last)));
        }

        return new FeeHistoryRecord(oldest, [.. baseFees], [.. ratios], [.. rewards], [.. blobBaseFees], [.. blobRatios]);
    }

    /// <summary>geth's rule: the tip at each gas-weighted percentile of the block's transactions, sorted by tip.</summary>
    private static UInt256[] Rewards(StoredBlock block, double[] percentiles)
    {
        var result = new UInt256[percentiles.Length];
        if (block.Transactions.Count == 0)
        {
            return result;
        }

        var baseFee = block.Header.BaseFeePerGas ?? UInt256.Zero;
        var tips = new List<(UInt256 Tip, ulong Gas)>(block.Transactions.Count);
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            var transaction = Transaction.Decode(block.Transactions[i], TransactionForm.Network);
            var price = transaction.EffectiveGasPrice(baseFee);
            tips.Add((price > baseFee ? price - baseFee : UInt256.Zero, block.Receipts[i].GasUsed));
        }

        tips.Sort((a, b) => a.Tip.CompareTo(b.Tip));
        var gasUsed = block.Header.GasUsed;
        var index = 0;
        var sum = tips[0].Gas;
        for (var p = 0; p < percentiles.Length; p++)
        {
            var threshold = (ulong)(gasUsed * percentiles[p] / 100.0);
            while (sum < threshold && index < tips.Count - 1)
            {
                index++;
                sum += tips[index].Gas;
            }

            result[p] = tips[index].Tip;
        }

        return result;
    }

    private async Task<CachedBlock?> ReadVisibleAsync(ulong number)
    {
        var published = await GetHeadNumberAsync().ConfigureAwait(true);
        if (number > published)
        {
            return null;
        }

        if (cache.TryGet(ChainId, number, out var cached))
        {
            return cached;
        }

        var entry = await blockLogs.Open(ChainId).ReadAsync(number).ConfigureAwait(true);
        if (entry is null)
        {
            return null;
        }

        var block = BlockLogCodec.DecodeBlock(entry.Block);
        var result = new CachedBlock(block, entry.Hash);
        cache.Add(ChainId, number, result);
        return result;
    }
}

/// <summary>A decoded block with its receipts as records, made once.</summary>
public sealed class CachedBlock(StoredBlock block, Hash256 hash)
{
    public StoredBlock Block { get; } = block;

    public Hash256 Hash { get; } = hash;

    public Lazy<ReceiptRecord[]> Receipts { get; } = new(() => ChainRecords.ToReceiptRecords(block, hash));
}

/// <summary>The newest decoded blocks of each chain, shared by the reader activations of one silo (committed blocks never change).</summary>
public sealed class StoredBlockCache
{
    private const int Capacity = 512;
    private readonly ConcurrentDictionary<(ulong Chain, ulong Number), CachedBlock> _blocks = new();

    public bool TryGet(ulong chainId, ulong number, out CachedBlock block) => _blocks.TryGetValue((chainId, number), out block!);

    public void Add(ulong chainId, ulong number, CachedBlock block)
    {
        _blocks[(chainId, number)] = block;
        if (_blocks.Count > Capacity + (Capacity / 4))
        {
            // Evict the oldest blocks (readers mostly ask for recent ones), a quarter at a time so the sort is rare.
            foreach (var key in _blocks.Keys.OrderBy(key => key.Number).Take(_blocks.Count - Capacity))
            {
                _blocks.TryRemove(key, out _);
            }
        }
    }
}
