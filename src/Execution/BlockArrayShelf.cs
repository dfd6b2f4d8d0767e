using System.Runtime.CompilerServices;

namespace Hyperion.Execution;

/// <summary>
/// The arrays a parallel block sizes by its transactions (the scheduler's slots, the last input and output of each
/// transaction, each transaction's last written locations, the location table's slots), kept by the engine from one
/// block to the next instead of made afresh. At 10,000 transactions they are 3.5 MB, on the large-object heap: made new
/// for every block, they were zeroed before any worker started and each of their pages was first touched by a worker in
/// the middle of the block, a page fault each; with 16 workers faulting at once, page faults (most spinning on the
/// kernel's page-table lock) were a tenth of the workers' time on a 16-core host. A block takes an array (all default,
/// long enough) and gives it back once no worker uses it; the giver clears what the block used, after the block's
/// result is out.
/// </summary>
/// <remarks>
/// One array of each element type is kept: the longest given back, which serves any shorter block, or, for arrays taken
/// only at their own size (the location table's), the last given back, so that one larger block does not leave a shelf
/// that the usual blocks can no longer use. An engine runs one block at a time as a rule, and a second block that runs
/// meanwhile simply makes its own. An array over <see cref="MaxKeptBytes"/> is not kept, so
/// that one huge block does not leave the engine holding its memory for good. Thread-safe.
/// </remarks>
internal sealed class BlockArrayShelf
{
    /// <summary>The largest array kept by default (bytes of its elements): 64 MB, the scheduler's slots of half a million transactions.</summary>
    public const long MaxKeptBytes = 64L << 20;

    private readonly Dictionary<Type, Array> _arrays = [];
    private readonly long _maxKeptBytes;

    /// <param name="maxKeptBytes">The largest array kept (bytes of its elements); a longer one given back is let go.</param>
    public BlockArrayShelf(long maxKeptBytes = MaxKeptBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxKeptBytes);
        _maxKeptBytes = maxKeptBytes;
    }

    /// <summary>
    /// An array of at least <paramref name="length"/> elements (of exactly that many when <paramref name="exactly"/>),
    /// all default: a kept one if it fits, else a new one.
    /// </summary>
    public T[] Take<T>(int length, bool exactly = false)
    {
        lock (_arrays)
        {
            if (_arrays.TryGetValue(typeof(T), out var kept) && (exactly ? kept.Length == length : kept.Length >= length))
            {
                _arrays.Remove(typeof(T));
                return (T[])kept;
            }
        }

        return new T[length];
    }

    /// <summary>
    /// Keeps <paramref name="array"/> for a later block, its first <paramref name="used"/> elements cleared first: instead
    /// of a shorter kept one, or, when <paramref name="exactSize"/> (it is taken only at its own size), instead of any.
    /// </summary>
    public void Give<T>(T[] array, int used, bool exactSize = false)
    {
        ArgumentNullException.ThrowIfNull(array);
        if ((long)array.Length * Unsafe.SizeOf<T>() > _maxKeptBytes)
        {
            // Not cleared either: nothing keeps it, and the collector takes its references with it.
            return;
        }

        // Outside the lock: a block's worth of clearing (and the references it drops) is the giver's alone.
        Array.Clear(array, 0, Math.Min(used, array.Length));
        lock (_arrays)
        {
            if (exactSize || !_arrays.TryGetValue(typeof(T), out var kept) || kept.Length < array.Length)
            {
                _arrays[typeof(T)] = array;
            }
        }
    }
}
