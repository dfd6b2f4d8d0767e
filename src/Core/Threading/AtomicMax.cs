namespace Hyperion.Core.Threading;

/// <summary>
/// Raises a shared value to at least a given one with compare-and-swap, never lowering it: the high-water marks that
/// several threads push at once (the highest reader of a location, a job's last worker start, the highest block known
/// to exist). A plain store would let a slower thread write a lower value over a higher one.
/// </summary>
public static class AtomicMax
{
    /// <summary>Makes <paramref name="location"/> at least <paramref name="value"/>.</summary>
    public static void Raise(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
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
