namespace Hyperion.Execution.Tests;

/// <summary>The engine's arrays kept across blocks: what a block takes is cleared and long enough, whatever came before.</summary>
public sealed class BlockArrayShelfTests
{
    [Fact]
    public void An_array_given_back_is_taken_again_cleared_where_it_was_used()
    {
        var shelf = new BlockArrayShelf();
        var first = shelf.Take<object?>(8);
        Assert.Equal(8, first.Length);
        for (var i = 0; i < first.Length; i++)
        {
            first[i] = new object();
        }

        shelf.Give(first, used: 8);
        var again = shelf.Take<object?>(5);
        Assert.Same(first, again);
        Assert.All(again, Assert.Null);

        // Taken, it is no longer on the shelf: a second block running meanwhile makes its own.
        Assert.NotSame(first, shelf.Take<object?>(5));
    }

    [Fact]
    public void A_longer_block_gets_a_new_array_and_the_longest_given_back_is_kept()
    {
        var shelf = new BlockArrayShelf();
        var small = shelf.Take<int>(4);
        shelf.Give(small, used: 4);

        var large = shelf.Take<int>(16);
        Assert.NotSame(small, large);
        Assert.Equal(16, large.Length);
        large.AsSpan().Fill(7);
        shelf.Give(large, used: 16);
        shelf.Give(new int[2], used: 2);

        var taken = shelf.Take<int>(10);
        Assert.Same(large, taken);
        Assert.All(taken, value => Assert.Equal(0, value));

        // Each element type has its own place.
        Assert.Equal(3, shelf.Take<long>(3).Length);
    }

    [Fact]
    public void An_exact_take_passes_over_a_longer_array_and_leaves_it_on_the_shelf()
    {
        var shelf = new BlockArrayShelf();
        var table = shelf.Take<string?>(64, exactly: true);
        table[63] = "claimed";
        shelf.Give(table, used: table.Length);

        Assert.NotSame(table, shelf.Take<string?>(32, exactly: true));
        var same = shelf.Take<string?>(64, exactly: true);
        Assert.Same(table, same);
        Assert.Null(same[63]);
    }

    [Fact]
    public void An_exact_size_array_given_back_replaces_a_longer_one_so_that_the_usual_size_is_reused_after_a_larger_block()
    {
        var shelf = new BlockArrayShelf();
        var usual = shelf.Take<string?>(64, exactly: true);
        var larger = shelf.Take<string?>(128, exactly: true);
        shelf.Give(larger, used: larger.Length, exactSize: true);
        shelf.Give(usual, used: usual.Length, exactSize: true);

        Assert.Same(usual, shelf.Take<string?>(64, exactly: true));
    }

    [Fact]
    public void An_array_over_the_limit_is_not_kept()
    {
        var shelf = new BlockArrayShelf(maxKeptBytes: 1024);
        var huge = new long[129];
        shelf.Give(huge, used: 0);
        Assert.NotSame(huge, shelf.Take<long>(16));

        var limit = new long[128];
        shelf.Give(limit, used: 0);
        Assert.Same(limit, shelf.Take<long>(16));
        Assert.True(BlockArrayShelf.MaxKeptBytes >= 10_000 * 128, "The default must keep the arrays of a block of 10,000 transactions.");
    }
}
