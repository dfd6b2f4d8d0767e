using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>How run-ahead's runner picks its distance from the committer (<see cref="RunAheadBlock.BestDistance"/>).</summary>
public sealed class RunAheadDistanceTests
{
    private const int Nearest = 16;
    private const int Widest = 128;

    [Fact]
    public void The_distance_stays_as_it_is_until_enough_results_are_checked()
    {
        Assert.Equal(40, RunAheadBlock.BestDistance(current: 40, checkedResults: 15, rejected: 0, aheadSum: 15 * 12, aheadCount: 15, Nearest, Widest));
        Assert.Equal(40, RunAheadBlock.BestDistance(current: 40, checkedResults: 500, rejected: 0, aheadSum: 0, aheadCount: 0, Nearest, Widest));
    }

    [Fact]
    public void Results_that_are_never_stale_widen_the_distance_to_the_widest()
    {
        Assert.Equal(Widest, RunAheadBlock.BestDistance(current: Nearest, checkedResults: 5_000, rejected: 0, aheadSum: 5_000 * 12, aheadCount: 5_000, Nearest, Widest));
    }

    [Fact]
    public void Results_that_are_often_stale_keep_the_distance_at_the_nearest()
    {
        Assert.Equal(Nearest, RunAheadBlock.BestDistance(current: 64, checkedResults: 1_000, rejected: 500, aheadSum: 1_000 * 48, aheadCount: 1_000, Nearest, Widest));
    }

    [Theory]
    // Token transfers among 10,000 holders (about one result in a hundred rejected at a mean distance of 40): about 63.
    [InlineData(5_000, 50, 40.0, 63)]
    // Swaps over many pools (four times the rejections at the same distance): half of it.
    [InlineData(5_000, 200, 40.0, 31)]
    public void The_distance_is_the_square_root_of_the_distance_travelled_per_rejection(long checkedResults, long rejected, double meanAhead, int expected)
    {
        var aheadCount = checkedResults;
        var aheadSum = (long)(meanAhead * aheadCount);
        Assert.Equal(expected, RunAheadBlock.BestDistance(current: Nearest, checkedResults, rejected, aheadSum, aheadCount, Nearest, Widest));
    }
}
