using Hyperion.Core.Threading;

namespace Hyperion.Core.Tests.Threading;

/// <summary>A low-water mark pushed by many threads at once ends at the lowest value any of them pushed, never higher.</summary>
public sealed class AtomicMinTests
{
    [Fact]
    public void Racing_threads_leave_the_lowest_value_and_a_higher_one_never_raises_it()
    {
        var lowest = int.MaxValue;
        Parallel.For(0, 8, thread =>
        {
            // Each thread descends its own interleaved values, so the threads race on nearly every lowering.
            for (var value = 200_000 - thread; value > 0; value -= 8)
            {
                AtomicMin.Lower(ref lowest, value);
            }
        });

        Assert.Equal(1, lowest);

        AtomicMin.Lower(ref lowest, 5);
        Assert.Equal(1, lowest);
    }
}
