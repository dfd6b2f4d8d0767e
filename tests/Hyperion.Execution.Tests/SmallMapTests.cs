using CsCheck;

namespace Hyperion.Execution.Tests;

/// <summary>
/// The compact map behind read and write sets against a dictionary, across the size where it adds a hash index,
/// and through clearing (as an execution view reuses its read set).
/// </summary>
public sealed class SmallMapTests
{
    [Fact]
    public void Sets_and_lookups_match_a_dictionary_below_and_above_the_index_threshold()
    {
        Gen.Int[0, 40].List[0, 120].Sample(keys =>
        {
            var map = new SmallMap<int, int>(2);
            var model = new Dictionary<int, int>();
            var order = new List<int>();
            for (var i = 0; i < keys.Count; i++)
            {
                if (!model.ContainsKey(keys[i]))
                {
                    order.Add(keys[i]);
                }

                map.Set(keys[i], i);
                model[keys[i]] = i;
            }

            AssertSame(model, order, map);

            // Cleared, it forgets everything but can be filled again, index and all.
            map.Clear();
            Assert.Equal(0, map.Count);
            Assert.False(map.ContainsKey(keys.Count > 0 ? keys[0] : 0));
            foreach (var key in order)
            {
                map.Set(key, model[key]);
            }

            AssertSame(model, order, map);
        });
    }

    [Fact]
    public void Keys_whose_hashes_collide_are_still_told_apart()
    {
        // The scan compares kept hashes before keys: keys of one hash must still be compared in full.
        Gen.Int[0, 30].List[0, 60].Sample(keys =>
        {
            var map = new SmallMap<CollidingKey, int>(2);
            var model = new Dictionary<int, int>();
            for (var i = 0; i < keys.Count; i++)
            {
                map.Set(new CollidingKey(keys[i]), i);
                model[keys[i]] = i;
            }

            Assert.Equal(model.Count, map.Count);
            for (var key = 0; key <= 30; key++)
            {
                var found = map.TryGetValue(new CollidingKey(key), out var value);
                Assert.Equal(model.ContainsKey(key), found);
                Assert.True(!found || value == model[key]);
            }
        });
    }

    [Fact]
    public void A_write_set_chains_deltas_and_folds_a_delta_into_a_value()
    {
        var writes = new WriteSet<int, long>();
        writes.AddDelta(1, new AffineDelta(2, 0));
        writes.AddDelta(1, new AffineDelta(1, 3));
        writes.Write(2, 10);
        writes.AddDelta(2, new AffineDelta(1, 5));
        Assert.True(writes.TryGet(1, out var chained) && chained.IsDelta && chained.ApplyTo(4) == 11);
        Assert.True(writes.TryGet(2, out var folded) && !folded.IsDelta && folded.Value == 15);
        Assert.Equal([1, 2], EnumerateKeys(writes));
    }

    private static List<int> EnumerateKeys(WriteSet<int, long> writes)
    {
        var keys = new List<int>();
        foreach (var (key, _) in writes)
        {
            keys.Add(key);
        }

        return keys;
    }

    private static void AssertSame(Dictionary<int, int> model, List<int> order, SmallMap<int, int> map)
    {
        Assert.Equal(model.Count, map.Count);
        foreach (var (key, value) in model)
        {
            Assert.True(map.TryGetValue(key, out var found) && found == value);
        }

        Assert.False(map.ContainsKey(-1));
        var enumerated = new List<int>();
        foreach (var (key, value) in map)
        {
            Assert.Equal(model[key], value);
            enumerated.Add(key);
        }

        Assert.Equal(order, enumerated);

        // The entries in place (what the engine walks by reference) are the same, in the same order.
        var inPlace = new List<int>();
        foreach (ref readonly var entry in map.Entries)
        {
            Assert.Equal(model[entry.Key], entry.Value);
            inPlace.Add(entry.Key);
        }

        Assert.Equal(order, inPlace);
    }

    /// <summary>A key of three hashes in all, so that most keys share their hash with others.</summary>
    private readonly record struct CollidingKey(int Value)
    {
        public override int GetHashCode() => Value % 3;
    }
}
