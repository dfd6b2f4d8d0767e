using Hyperion.Grains.Storage;

namespace Hyperion.Grains.Tests.Storage;

/// <summary>
/// What every <see cref="IBlockLog"/> must do, run against each store by a subclass. Each test gets a store of its
/// own; <see cref="OpenLog"/> opens another instance on that same store (another silo, or another process).
/// </summary>
public abstract class BlockLogContractTests : IAsyncLifetime
{
    protected const ulong Chain = 31337;

    private readonly List<IBlockLog> _opened = [];

    /// <summary>A new log instance of <paramref name="chainId"/> on this test's store.</summary>
    protected abstract IBlockLog CreateLog(ulong chainId);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        foreach (var log in _opened)
        {
            (log as IDisposable)?.Dispose();
        }

        return Task.CompletedTask;
    }

    protected IBlockLog OpenLog(ulong chainId = Chain)
    {
        var log = CreateLog(chainId);
        _opened.Add(log);
        return log;
    }

    [Fact]
    public async Task An_empty_log_has_no_head_blocks_checkpoint_or_markers()
    {
        var log = OpenLog();

        Assert.Equal(Chain, log.ChainId);
        Assert.Null(await log.GetHeadNumberAsync());
        Assert.Null(await log.ReadAsync(0));
        Assert.Null(await log.FindBlockNumberAsync(TestBlocks.Hash(1, 1)));
        Assert.Null(await log.FindTransactionAsync(TestBlocks.Hash(1, 2)));
        Assert.Null(await log.ReadLatestCheckpointAsync());
        Assert.Null(await log.GetMarkerAsync("confirmed"));
    }

    [Fact]
    public async Task Appended_blocks_read_back_whole_and_are_found_by_block_and_transaction_hash()
    {
        var log = OpenLog();
        var blocks = TestBlocks.Chain(count: 4, seed: 1);

        foreach (var block in blocks)
        {
            await log.AppendAsync(block);
        }

        Assert.Equal(3UL, await log.GetHeadNumberAsync());
        foreach (var block in blocks)
        {
            TestBlocks.AssertSame(block, await log.ReadAsync(block.Number));
            Assert.Equal(block.Number, await log.FindBlockNumberAsync(block.Hash));
            for (var index = 0; index < block.TransactionHashes.Count; index++)
            {
                Assert.Equal(new TransactionLocation(block.Number, index), await log.FindTransactionAsync(block.TransactionHashes[index]));
            }
        }

        Assert.Null(await log.ReadAsync(4));
        Assert.Empty(blocks[0].TransactionHashes);
    }

    [Fact]
    public async Task A_number_already_written_is_a_conflict_and_changes_nothing()
    {
        var log = OpenLog();
        var blocks = TestBlocks.Chain(count: 3, seed: 2);
        foreach (var block in blocks)
        {
            await log.AppendAsync(block);
        }

        var rival = TestBlocks.Chain(count: 3, seed: 3)[1];
        await Assert.ThrowsAsync<BlockLogConflictException>(() => log.AppendAsync(rival));
        await Assert.ThrowsAsync<BlockLogConflictException>(() => log.AppendAsync(blocks[2]));

        await AssertUnchangedAsync(log, blocks, rival);
    }

    [Fact]
    public async Task A_number_that_does_not_follow_the_head_is_a_conflict_and_changes_nothing()
    {
        var log = OpenLog();
        var blocks = TestBlocks.Chain(count: 5, seed: 4);

        // The first block of a log is block 0.
        await Assert.ThrowsAsync<BlockLogConflictException>(() => log.AppendAsync(blocks[1]));
        Assert.Null(await log.GetHeadNumberAsync());
        Assert.Null(await log.FindBlockNumberAsync(blocks[1].Hash));

        await log.AppendAsync(blocks[0]);
        await log.AppendAsync(blocks[1]);
        await Assert.ThrowsAsync<BlockLogConflictException>(() => log.AppendAsync(blocks[3]));
        await Assert.ThrowsAsync<BlockLogConflictException>(() => log.AppendAsync(blocks[4]));

        await AssertUnchangedAsync(log, blocks[..2], blocks[3]);
        await log.AppendAsync(blocks[2]);
        Assert.Equal(2UL, await log.GetHeadNumberAsync());
    }

    [Fact]
    public async Task The_newest_checkpoint_replaces_older_ones_and_may_be_large()
    {
        var log = OpenLog();
        await log.WriteCheckpointAsync(3, [1, 2, 3]);
        var large = new byte[6 * 1024 * 1024];
        new Random(5).NextBytes(large);
        await log.WriteCheckpointAsync(7, large);

        var latest = await log.ReadLatestCheckpointAsync();
        Assert.NotNull(latest);
        Assert.Equal(7UL, latest.BlockNumber);
        Assert.Equal(large, latest.State);

        // One older than the stored checkpoint (a late writer) does not replace it.
        await log.WriteCheckpointAsync(5, [5]);
        Assert.Equal(7UL, (await log.ReadLatestCheckpointAsync())!.BlockNumber);

        await log.WriteCheckpointAsync(9, []);
        latest = await OpenLog().ReadLatestCheckpointAsync();
        Assert.Equal(9UL, latest!.BlockNumber);
        Assert.Empty(latest.State);
    }

    [Fact]
    public async Task Markers_are_set_replaced_and_kept_apart_by_name()
    {
        var log = OpenLog();
        await log.SetMarkerAsync("confirmed", 5);
        await log.SetMarkerAsync("confirmed", 4);
        await log.SetMarkerAsync("posted/L1 #1?", ulong.MaxValue);

        Assert.Equal(4UL, await log.GetMarkerAsync("confirmed"));
        Assert.Equal(ulong.MaxValue, await log.GetMarkerAsync("posted/L1 #1?"));
        Assert.Null(await log.GetMarkerAsync("Confirmed-not"));
        Assert.Null(await OpenLog(Chain + 1).GetMarkerAsync("confirmed"));
    }

    [Fact]
    public async Task Two_instances_racing_for_the_same_number_have_exactly_one_winner()
    {
        var first = OpenLog();
        var second = OpenLog();
        var ours = TestBlocks.Chain(count: 12, seed: 6);
        var theirs = TestBlocks.Chain(count: 12, seed: 7);
        var winners = new List<BlockLogEntry>();

        for (var number = 0; number < ours.Length; number++)
        {
            // Both writers start from the same head; each builds on the winner of the previous round.
            var mine = number == 0 ? ours[0] : ours[number] with { ParentHash = winners[^1].Hash };
            var other = number == 0 ? theirs[0] : theirs[number] with { ParentHash = winners[^1].Hash };
            var outcomes = await Task.WhenAll(TryAppendAsync(first, mine), TryAppendAsync(second, other));

            Assert.Single(outcomes, won => won);
            var winner = outcomes[0] ? mine : other;
            var loser = outcomes[0] ? other : mine;
            winners.Add(winner);
            TestBlocks.AssertSame(winner, await first.ReadAsync((ulong)number));
            TestBlocks.AssertSame(winner, await second.ReadAsync((ulong)number));
            Assert.Null(await second.FindBlockNumberAsync(loser.Hash));
            foreach (var hash in loser.TransactionHashes)
            {
                Assert.Null(await first.FindTransactionAsync(hash));
            }
        }

        Assert.Equal((ulong)(ours.Length - 1), await first.GetHeadNumberAsync());
        Assert.Equal((ulong)(ours.Length - 1), await second.GetHeadNumberAsync());
    }

    [Fact]
    public async Task A_log_opened_again_after_disposal_keeps_everything()
    {
        var blocks = TestBlocks.Chain(count: 3, seed: 8);
        var log = CreateLog(Chain);
        foreach (var block in blocks)
        {
            await log.AppendAsync(block);
        }

        await log.WriteCheckpointAsync(2, [42]);
        await log.SetMarkerAsync("confirmed", 1);
        (log as IDisposable)?.Dispose();

        var reopened = OpenLog();
        Assert.Equal(2UL, await reopened.GetHeadNumberAsync());
        foreach (var block in blocks)
        {
            TestBlocks.AssertSame(block, await reopened.ReadAsync(block.Number));
        }

        Assert.Equal(blocks[2].Number, await reopened.FindBlockNumberAsync(blocks[2].Hash));
        Assert.Equal(new TransactionLocation(2, 1), await reopened.FindTransactionAsync(blocks[2].TransactionHashes[1]));
        Assert.Equal([42], (await reopened.ReadLatestCheckpointAsync())!.State);
        Assert.Equal(1UL, await reopened.GetMarkerAsync("confirmed"));
        await reopened.AppendAsync(TestBlocks.Chain(count: 4, seed: 8)[3]);
    }

    [Fact]
    public async Task Chains_have_separate_logs()
    {
        var one = OpenLog(1);
        var two = OpenLog(2);
        var blocks = TestBlocks.Chain(count: 2, seed: 9);
        await one.AppendAsync(blocks[0]);
        await one.AppendAsync(blocks[1]);

        Assert.Null(await two.GetHeadNumberAsync());
        Assert.Null(await two.FindBlockNumberAsync(blocks[0].Hash));
        await two.AppendAsync(blocks[0]);
        Assert.Equal(0UL, await two.GetHeadNumberAsync());
        Assert.Equal(1UL, await one.GetHeadNumberAsync());
    }

    private static async Task AssertUnchangedAsync(IBlockLog log, BlockLogEntry[] written, BlockLogEntry rejected)
    {
        Assert.Equal((ulong)(written.Length - 1), await log.GetHeadNumberAsync());
        foreach (var block in written)
        {
            TestBlocks.AssertSame(block, await log.ReadAsync(block.Number));
        }

        Assert.Null(await log.FindBlockNumberAsync(rejected.Hash));
        foreach (var hash in rejected.TransactionHashes)
        {
            Assert.Null(await log.FindTransactionAsync(hash));
        }
    }

    private static async Task<bool> TryAppendAsync(IBlockLog log, BlockLogEntry entry)
    {
        // Let both appends be in flight before either runs.
        await Task.Yield();
        try
        {
            await log.AppendAsync(entry);
            return true;
        }
        catch (BlockLogConflictException)
        {
            return false;
        }
    }
}

/// <summary>Deterministic block log entries for the tests.</summary>
internal static class TestBlocks
{
    public static Hash256 Hash(int seed, int index)
    {
        var bytes = new byte[Hash256.Length];
        new Random(HashCode.Combine(seed, index)).NextBytes(bytes);
        return new Hash256(bytes);
    }

    /// <summary>Blocks 0..count-1, each linked to the previous; block n carries n transactions.</summary>
    public static BlockLogEntry[] Chain(int count, int seed)
    {
        var random = new Random(seed);
        var blocks = new BlockLogEntry[count];
        var parent = Hash256.Zero;
        for (var number = 0; number < count; number++)
        {
            var block = new byte[random.Next(1, 2000)];
            var changes = new byte[random.Next(0, 500)];
            random.NextBytes(block);
            random.NextBytes(changes);
            var transactions = Enumerable.Range(0, number).Select(index => Hash(seed, (number * 1000) + index + 1)).ToArray();
            blocks[number] = new BlockLogEntry((ulong)number, Hash(seed, -number - 1), parent, block, changes, transactions);
            parent = blocks[number].Hash;
        }

        return blocks;
    }

    public static void AssertSame(BlockLogEntry expected, BlockLogEntry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Number, actual.Number);
        Assert.Equal(expected.Hash, actual.Hash);
        Assert.Equal(expected.ParentHash, actual.ParentHash);
        Assert.Equal(expected.Block, actual.Block);
        Assert.Equal(expected.StateChanges, actual.StateChanges);
        Assert.Equal(expected.TransactionHashes, actual.TransactionHashes);
    }
}
