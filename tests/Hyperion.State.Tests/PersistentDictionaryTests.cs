using CsCheck;

namespace Hyperion.State.Tests;

/// <summary>
/// The persistent dictionary against <see cref="Dictionary{TKey, TValue}"/>, with every older version checked again at
/// the end. Keys with a weak hash (a few values only) force collision nodes and deep paths; keys with a good one
/// exercise the ordinary node shapes.
/// </summary>
public sealed class PersistentDictionaryTests
{
    /// <summary>null removes.</summary>
    private static readonly Gen<List<(int Key, int? Value)>> Operations =
        Gen.Select(Gen.Int[0, 200], Gen.Frequency((3, Gen.Int.Select(value => (int?)value)), (1, Gen.Const((int?)null)))).List[0, 80];

    [Fact]
    public void Sets_and_removes_behave_like_a_dictionary_and_old_versions_are_unchanged()
    {
        Gen.Select(Operations, Gen.Int[1, 1 << 20]).Sample((operations, hashSpread) =>
        {
            var map = PersistentDictionary<Key, int>.Empty;
            var expected = new Dictionary<Key, int>();
            var versions = new List<(PersistentDictionary<Key, int> Map, Dictionary<Key, int> Contents)>();
            foreach (var (number, value) in operations)
            {
                var key = new Key(number, hashSpread);
                var before = map;
                if (value is null)
                {
                    map = map.Remove(key);
                    Assert.Equal(expected.Remove(key), !ReferenceEquals(before, map));
                }
                else
                {
                    map = map.SetItem(key, value.Value);
                    expected[key] = value.Value;
                }

                versions.Add((map, new Dictionary<Key, int>(expected)));
            }

            foreach (var (version, contents) in versions)
            {
                AssertSame(contents, version);
            }
        }, iter: 1000);
    }

    [Fact]
    public void Create_gives_the_same_map_as_one_set_at_a_time_and_the_last_value_of_a_key_wins()
    {
        Gen.Select(Gen.Select(Gen.Int[0, 300], Gen.Int).List[0, 300], Gen.Int[1, 1 << 20]).Sample((entries, hashSpread) =>
        {
            var pairs = entries.Select(entry => KeyValuePair.Create(new Key(entry.Item1, hashSpread), entry.Item2)).ToList();
            var expected = new Dictionary<Key, int>();
            foreach (var (key, value) in pairs)
            {
                expected[key] = value;
            }

            AssertSame(expected, PersistentDictionary<Key, int>.Create(pairs));
        }, iter: 500);
    }

    [Fact]
    public void Setting_a_value_a_key_already_has_returns_the_same_map()
    {
        var map = PersistentDictionary<Key, int>.Empty.SetItem(new Key(1, 1), 5).SetItem(new Key(2, 1), 6);
        Assert.Same(map, map.SetItem(new Key(1, 1), 5));
        Assert.Same(map, map.Remove(new Key(3, 1)));
        Assert.Throws<KeyNotFoundException>(() => map[new Key(3, 1)]);
    }

    private static void AssertSame(Dictionary<Key, int> expected, PersistentDictionary<Key, int> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, value) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var found));
            Assert.Equal(value, found);
            Assert.Equal(value, actual[key]);
        }

        Assert.Equal(expected.OrderBy(pair => pair.Key.Number), actual.OrderBy(pair => pair.Key.Number));
        Assert.False(actual.ContainsKey(new Key(-1, 1)));
    }

    /// <summary>A key whose hash takes only <see cref="HashSpread"/> values: a spread of 1 makes every key collide.</summary>
    private readonly record struct Key(int Number, int HashSpread)
    {
        public bool Equals(Key other) => Number == other.Number;

        public override int GetHashCode() => (int)((uint)Number * 2654435761u % (uint)HashSpread);
    }
}
