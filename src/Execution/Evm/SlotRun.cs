using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Hyperion.Core;

namespace Hyperion.Execution.Evm;

/// <summary>
/// One account's slots written in a block, as a run of a block-wide array of (slot, value) pairs, each slot once:
/// what <see cref="CommittedState.ToChanges"/> gives each account instead of a dictionary of its own, since grouping a
/// block's slots by account into a single array costs a fraction of filling a dictionary per account. Read mostly by
/// enumeration (applying the changes); a lookup searches the run, or a dictionary made on the first lookup of a long one.
/// </summary>
internal sealed class SlotRun : IReadOnlyDictionary<UInt256, UInt256>
{
    /// <summary>Runs up to this long are searched; longer ones get a dictionary on their first lookup.</summary>
    private const int SearchedUpTo = 16;

    private readonly KeyValuePair<UInt256, UInt256>[] _pairs;
    private readonly int _start;
    private Dictionary<UInt256, UInt256>? _lookup;

    public SlotRun(KeyValuePair<UInt256, UInt256>[] pairs, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, pairs.Length - start);
        _pairs = pairs;
        _start = start;
        Count = count;
    }

    public int Count { get; }

    public UInt256 this[UInt256 key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"Slot {key} was not written.");

    public IEnumerable<UInt256> Keys => this.Select(static pair => pair.Key);

    public IEnumerable<UInt256> Values => this.Select(static pair => pair.Value);

    public bool ContainsKey(UInt256 key) => TryGetValue(key, out _);

    public bool TryGetValue(UInt256 key, [MaybeNullWhen(false)] out UInt256 value)
    {
        if (Count > SearchedUpTo)
        {
            // Made by whichever thread looks first; two threads that both make one make the same.
            var lookup = Volatile.Read(ref _lookup) ?? Interlocked.CompareExchange(ref _lookup, new Dictionary<UInt256, UInt256>(this), null) ?? _lookup!;
            return lookup.TryGetValue(key, out value);
        }

        foreach (var pair in _pairs.AsSpan(_start, Count))
        {
            if (pair.Key == key)
            {
                value = pair.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    public IEnumerator<KeyValuePair<UInt256, UInt256>> GetEnumerator()
    {
        for (var index = _start; index < _start + Count; index++)
        {
            yield return _pairs[index];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
