using CsCheck;
using Hyperion.Core;

namespace Hyperion.State.Tests;

/// <summary>
/// The persistent trie against the mutable <see cref="PatriciaTrie"/> (itself checked against the yellow paper's
/// root): the same contents give the same root after every batch of changes, and every older version still holds,
/// and hashes to, what it held. Keys come from a few byte values at both ends and zeros between, so that they share
/// prefixes of every length, down to keys that differ only in their last nibble; values are short (embedded nodes)
/// or long (hashed nodes).
/// </summary>
public sealed class PersistentTrieTests
{
    private static readonly Gen<Hash256> Keys = Gen.Frequency(
        (4, Gen.Select(Gen.OneOf<byte>(0x00, 0x01, 0x10, 0xab), Gen.OneOf<byte>(0x00, 0x01, 0x10), Gen.OneOf<byte>(0x00, 0x01, 0x10, 0xff)).Select((first, second, last) =>
        {
            var bytes = new byte[Hash256.Length];
            bytes[0] = first;
            bytes[1] = second;
            bytes[^1] = last;
            return new Hash256(bytes);
        })),
        (1, Gen.Byte.Array[Hash256.Length].Select(bytes => new Hash256(bytes))));

    private static readonly Gen<byte[]> Values = Gen.Frequency((3, Gen.Byte.Array[1, 4]), (1, Gen.Byte.Array[30, 70]));

    /// <summary>An empty value is a delete.</summary>
    private static readonly Gen<List<(Hash256 Key, byte[] Value)>> Batch =
        Gen.Select(Keys, Gen.Frequency((3, Values), (1, Gen.Const(Array.Empty<byte>())))).List[0, 12];

    [Fact]
    public void Every_version_has_the_root_of_its_contents_and_keeps_it()
    {
        Batch.List[1, 8].Sample(batches =>
        {
            var reference = new PatriciaTrie();
            var contents = new Dictionary<Hash256, byte[]>();
            var versions = new List<(PersistentTrie Trie, Dictionary<Hash256, byte[]> Contents, Hash256 Root)>();
            var trie = PersistentTrie.Empty;
            foreach (var batch in batches)
            {
                var builder = trie.ToBuilder();
                foreach (var (key, value) in batch)
                {
                    if (value.Length == 0)
                    {
                        Assert.Equal(contents.Remove(key), builder.Delete(key));
                        reference.Delete(key.Bytes);
                    }
                    else
                    {
                        builder.Set(key, value);
                        contents[key] = value;
                        reference.Set(key.Bytes, value);
                    }
                }

                trie = builder.ToTrie();
                Assert.Equal(reference.RootHash, trie.RootHash);
                Assert.Equal(contents.Count, trie.Count);
                versions.Add((trie, new Dictionary<Hash256, byte[]>(contents), reference.RootHash));
            }

            foreach (var (version, expected, root) in versions)
            {
                Assert.Equal(root, version.RootHash);
                foreach (var (key, value) in expected)
                {
                    Assert.True(version.TryGetValue(key, out var found));
                    Assert.Equal(value, found);
                }

                // Rebuilt from scratch, the same contents give the same root.
                Assert.Equal(root, PersistentTrie.Create(expected).RootHash);
            }
        }, iter: 500);
    }

    [Fact]
    public void Setting_then_deleting_a_key_gives_back_the_previous_root()
    {
        Gen.Select(Batch, Keys, Values, Gen.Bool).Sample((batch, key, value, separateVersions) =>
        {
            var trie = PersistentTrie.Create(batch.Where(entry => entry.Value.Length > 0).Select(entry => KeyValuePair.Create(entry.Key, entry.Value)));
            var hadKey = trie.TryGetValue(key, out var previous);
            var builder = trie.ToBuilder();
            builder.Set(key, value);
            if (separateVersions)
            {
                // The second change then starts from hashed (shared) nodes rather than the builder's own.
                builder = builder.ToTrie().ToBuilder();
            }

            if (hadKey)
            {
                builder.Set(key, previous!);
            }
            else
            {
                Assert.True(builder.Delete(key));
            }

            Assert.Equal(trie.RootHash, builder.ToTrie().RootHash);
        }, iter: 500);
    }

    [Fact]
    public void The_empty_trie_has_the_empty_root_and_deleting_everything_returns_to_it()
    {
        Assert.Equal(PatriciaTrie.EmptyRootHash, PersistentTrie.Empty.RootHash);
        Batch.Sample(batch =>
        {
            var entries = batch.Where(entry => entry.Value.Length > 0).ToList();
            var trie = PersistentTrie.Create(entries.Select(entry => KeyValuePair.Create(entry.Key, entry.Value)));
            var builder = trie.ToBuilder();
            foreach (var (key, _) in entries)
            {
                builder.Delete(key);
            }

            var emptied = builder.ToTrie();
            Assert.True(emptied.IsEmpty);
            Assert.Equal(PatriciaTrie.EmptyRootHash, emptied.RootHash);
        }, iter: 300);
    }

    [Fact]
    public void A_builder_is_used_once()
    {
        var builder = PersistentTrie.Empty.ToBuilder();
        builder.ToTrie();
        Assert.Throws<InvalidOperationException>(() => builder.Set(Hash256.Zero, [1]));
        Assert.Throws<InvalidOperationException>(() => builder.ToTrie());
    }
}
