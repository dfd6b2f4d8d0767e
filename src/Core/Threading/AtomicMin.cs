namespace Hyperion.Core.Threading;

/// <summary>
/// Lowers a shared value to at most a given one with compare-and-swap, never raising it: the low-water marks that
/// several threads push at once (a scheduler's index sent back, the lowest failed transaction of a block). A plain
/// store would let a slower thread write a higher value over a lower one.
/// </summary>
public static class AtomicMin
{
    /// <summary>Makes <paramref name="location"/> at most <paramref name="value"/>.</summary>
    public static void Lower(ref int location, int value)
    {
        var current = Volatile.Read(ref location);
        while (value < current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
