using Hyperion.Grains.Abstractions;
using Hyperion.Grains.Chain;

namespace Hyperion.Grains.Tests.Chain;

public sealed class MempoolTests
{
    private static readonly UInt256 BaseFee = new(1_000_000_000);
    private static readonly Address Recipient = Address.Parse("0x00000000000000000000000000000000000000aa");

    [Fact]
    public void Nonces_continue_the_senders_run_and_a_gap_waits_until_it_closes()
    {
        var pool = new Mempool(16, 100);
        Assert.Null(Add(pool, 0, nonce: 5, accountNonce: 5));
        Assert.StartsWith("nonce too low", Add(pool, 0, nonce: 4, accountNonce: 5), StringComparison.Ordinal);
        Assert.StartsWith("nonce too high", Add(pool, 0, nonce: 6 + Mempool.MaxNonceGap + 1, accountNonce: 5), StringComparison.Ordinal);

        // Nonce 7 arrives before 6 (back-to-back sends over separate connections): it waits, out of blocks.
        Assert.Null(Add(pool, 0, nonce: 7, accountNonce: 5));
        Assert.Equal(1, pool.QueuedCount);
        Assert.True(pool.TryGetNextNonce(DevKeys.Key(0).Address, out var next));
        Assert.Equal(6UL, next);
        Assert.Single(pool.TakeBatch(30_000_000, BaseFee, 100));
        pool.Release();

        Assert.Null(Add(pool, 0, nonce: 6, accountNonce: 5));
        Assert.Equal(0, pool.QueuedCount);
        Assert.True(pool.TryGetNextNonce(DevKeys.Key(0).Address, out next));
        Assert.Equal(8UL, next);
        Assert.Equal(3, pool.Count);
        Assert.Equal([5UL, 6UL, 7UL], pool.TakeBatch(30_000_000, BaseFee, 100).Select(entry => entry.Transaction.Nonce));
    }

    [Fact]
    public void Replacement_needs_a_ten_percent_bump_on_both_fees()
    {
        var pool = new Mempool(16, 100);
        Assert.Null(Add(pool, 0, nonce: 0, maxFeeGwei: 100, tipGwei: 10));
        Assert.Equal("replacement transaction underpriced", Add(pool, 0, nonce: 0, maxFeeGwei: 109, tipGwei: 11, wei: 2));
        Assert.Equal("replacement transaction underpriced", Add(pool, 0, nonce: 0, maxFeeGwei: 200, tipGwei: 10, wei: 3));
        Assert.Null(Add(pool, 0, nonce: 0, maxFeeGwei: 110, tipGwei: 11, wei: 4));
        Assert.Equal(1, pool.Count);
        Assert.Equal(new UInt256(4), pool.TakeBatch(30_000_000, BaseFee, 10).Single().Transaction.Value);
    }

    [Fact]
    public void Refuses_what_cannot_pay_or_fit_and_changes_nothing()
    {
        var pool = new Mempool(2, 3);
        Assert.StartsWith("insufficient funds", Add(pool, 0, nonce: 0, balance: new UInt256(1000)), StringComparison.Ordinal);
        Assert.StartsWith("max fee per gas less than block base fee", Add(pool, 0, nonce: 0, maxFeeGwei: 0), StringComparison.Ordinal);
        Assert.Equal(0, pool.Count);
        Assert.Null(Add(pool, 0, nonce: 0));
        Assert.Null(Add(pool, 0, nonce: 1));
        Assert.StartsWith("account limit exceeded", Add(pool, 0, nonce: 2), StringComparison.Ordinal);
        Assert.Null(Add(pool, 1, nonce: 0));
        Assert.Equal("txpool is full", Add(pool, 2, nonce: 0));
        Assert.Equal(3, pool.Count);
    }

    [Fact]
    public void A_fee_times_gas_beyond_256_bits_is_refused_not_wrapped()
    {
        var pool = new Mempool(16, 100);
        var huge = new Core.Transactions.Transaction
        {
            Type = Core.Transactions.TxType.DynamicFee,
            ChainId = DevKeys.ChainId,
            MaxFeePerGas = new UInt256(0, 0, 0, 1UL << 63),
            MaxPriorityFeePerGas = UInt256.One,
            GasLimit = 21_000,
            To = Recipient,
        }.Sign(DevKeys.Key(0));
        var entry = new PoolEntry(huge, huge.EncodeNetworkForm(), DevKeys.Key(0).Address);
        Assert.StartsWith("insufficient funds", pool.TryAdd(entry, 0, DevKeys.TenThousandEth, BaseFee, 30_000_000, out _), StringComparison.Ordinal);
        Assert.Equal(0, pool.Count);
    }

    [Fact]
    public void Batches_interleave_senders_and_respect_gas()
    {
        var pool = new Mempool(16, 100);
        for (ulong nonce = 0; nonce < 3; nonce++)
        {
            Assert.Null(Add(pool, 0, nonce));
            Assert.Null(Add(pool, 1, nonce));
        }

        var batch = pool.TakeBatch(21_000 * 5, BaseFee, 100);
        Assert.Equal(5, batch.Count);
        Assert.Equal(
            [DevKeys.Key(0).Address, DevKeys.Key(1).Address, DevKeys.Key(0).Address, DevKeys.Key(1).Address, DevKeys.Key(0).Address],
            batch.Select(entry => entry.Sender));
        Assert.All(batch, entry => Assert.True(entry.InFlight));
        var next = pool.TakeBatch(30_000_000, BaseFee, 100);
        Assert.Equal(DevKeys.Key(1).Address, Assert.Single(next).Sender);
    }

    [Fact]
    public void Completing_a_block_removes_included_and_refused_and_releases_the_rest()
    {
        var pool = new Mempool(16, 100);
        var entries = Enumerable.Range(0, 3).Select(nonce => Entry(0, (ulong)nonce)).ToList();
        foreach (var entry in entries)
        {
            Assert.Null(pool.TryAdd(entry, 0, DevKeys.TenThousandEth, BaseFee, 30_000_000, out _));
        }

        Assert.Null(pool.TryAdd(Entry(1, 0), 0, DevKeys.TenThousandEth, BaseFee, 30_000_000, out _));
        var batch = pool.TakeBatch(30_000_000, BaseFee, 100);
        Assert.Equal(4, batch.Count);
        pool.Complete([entries[0].Hash], [new RejectedTransaction(entries[1].Hash, "insufficient funds", Retry: false)]);

        // Sender 0: nonce 0 included, 1 refused, so 2 can never follow and leaves too. Sender 1 waits for the next block.
        Assert.Equal(1, pool.Count);
        Assert.False(pool.TryGetNextNonce(DevKeys.Key(0).Address, out _));
        var next = pool.TakeBatch(30_000_000, BaseFee, 100);
        Assert.Equal(DevKeys.Key(1).Address, Assert.Single(next).Sender);
    }

    private static PoolEntry Entry(int from, ulong nonce, ulong maxFeeGwei = 100, ulong tipGwei = 1, ulong wei = 1)
    {
        var (raw, transaction) = DevKeys.Transfer(from, Recipient, nonce, wei, maxFeeGwei, tipGwei);
        return new PoolEntry(transaction, raw, DevKeys.Key(from).Address);
    }

    private static string? Add(Mempool pool, int from, ulong nonce, ulong accountNonce = 0, ulong maxFeeGwei = 100, ulong tipGwei = 1, ulong wei = 1, UInt256? balance = null) =>
        pool.TryAdd(Entry(from, nonce, maxFeeGwei, tipGwei, wei), accountNonce, balance ?? DevKeys.TenThousandEth, BaseFee, 30_000_000, out _);
}
