using Hyperion.Core.Threading;

namespace Hyperion.Core.Tests.Threading;

/// <summary>A high-water mark pushed by many threads at once ends at the highest value any of them pushed, never lower.</summary>
public sealed class AtomicMaxTests
{
    [Fact]
    public void Racing_threads_leave_the_highest_value_and_a_lower_one_never_lowers_it()
    {
        var highest = -1L;
        Parallel.For(0, 8, thread =>
        {
            // Each thread climbs its own interleaved values, so the threads race on nearly every raise.
            for (var value = thread; value < 200_000; value += 8)
            {
                AtomicMax.Raise(ref highest, (long)value << 20);
            }
        });

        Assert.Equal(199_999L << 20, highest);

        AtomicMax.Raise(ref highest, 5);
        Assert.Equal(199_999L << 20, highest);
    }
}
