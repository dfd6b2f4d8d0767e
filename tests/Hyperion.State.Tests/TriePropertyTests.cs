using CsCheck;
using Hyperion.Core;

namespace Hyperion.State.Tests;

/// <summary>Properties of the trie over random key sets. Keys come from a few byte values so that they
/// share prefixes, end inside each other (branch values) and make every node shape; values are short
/// (embedded nodes) or long (hashed nodes).</summary>
public sealed class TriePropertyTests
{
    private static readonly Gen<byte[]> Keys = Gen.OneOf<byte>(0x00, 0x01, 0x10, 0x11, 0xab).Array[0, 5];

    private static readonly Gen<byte[]> Values = Gen.Frequency((4, Gen.Byte.Array[1, 6]), (1, Gen.Byte.Array[20, 90]));

    private static readonly Gen<List<(byte[] Key, byte[] Value)>> Entries = Gen.Select(Keys, Values).List[0, 40];

    /// <summary>A delete is an empty value.</summary>
    private static readonly Gen<List<(byte[] Key, byte[] Value)>> Operations =
        Gen.Select(Keys, Gen.Frequency((3, Values), (1, Gen.Const(Array.Empty<byte>())))).List[0, 60];

    [Fact]
    public void The_root_is_the_yellow_paper_root_whatever_the_insertion_order()
    {
        Entries.Sample(entries =>
        {
            var inOrder = new PatriciaTrie();
            foreach (var (key, value) in entries)
            {
                inOrder.Set(key, value);
            }

            var contents = Contents(entries);
            var reversed = new PatriciaTrie();
            foreach (var (key, value) in contents.Values.Reverse())
            {
                reversed.Set(key, value);
            }

            var oracle = ReferenceTrieRoot.Compute(contents.Values.Select(e => KeyValuePair.Create(e.Key, e.Value)));
            Assert.Equal(oracle, inOrder.RootHash);
            Assert.Equal(oracle, reversed.RootHash);
        }, iter: 500);
    }

    [Fact]
    public void Sets_and_deletes_behave_like_a_dictionary()
    {
        Operations.Sample(operations =>
        {
            var trie = new PatriciaTrie();
            var expected = new Dictionary<string, (byte[] Key, byte[] Value)>(StringComparer.Ordinal);
            foreach (var (key, value) in operations)
            {
                var existed = expected.ContainsKey(Hex.Encode(key));
                if (value.Length == 0)
                {
                    Assert.Equal(existed, trie.Delete(key));
                    expected.Remove(Hex.Encode(key));
                }
                else
                {
                    trie.Set(key, value);
                    expected[Hex.Encode(key)] = (key, value);
                }

                // Hash part-way so that later changes start from cached references.
                if (expected.Count % 3 == 0)
                {
                    _ = trie.RootHash;
                }
            }

            foreach (var (key, value) in expected.Values)
            {
                Assert.Equal(value, trie.Get(key));
            }

            Assert.Equal(expected.Count == 0, trie.IsEmpty);
            Assert.Equal(ReferenceTrieRoot.Compute(expected.Values.Select(e => KeyValuePair.Create(e.Key, e.Value))), trie.RootHash);

            var ordered = expected.Values.OrderBy(e => e.Key, ByteOrder.Instance).ToList();
            var enumerated = trie.Enumerate().ToList();
            Assert.Equal(ordered.Select(e => e.Key), enumerated.Select(e => e.Key));
            Assert.Equal(ordered.Select(e => e.Value), enumerated.Select(e => e.Value));
        }, iter: 500);
    }

    [Fact]
    public void Inserting_then_deleting_a_key_gives_back_the_previous_root()
    {
        Gen.Select(Entries, Keys, Values, Gen.Bool).Sample((entries, key, value, reopen) =>
        {
            var trie = new PatriciaTrie();
            foreach (var (k, v) in entries)
            {
                trie.Set(k, v);
            }

            if (reopen)
            {
                // Deleting through nodes loaded from the store exercises collapsing onto unloaded children.
                trie = new PatriciaTrie(trie.Store, trie.Commit());
            }

            var before = trie.RootHash;
            var previous = trie.Get(key);
            trie.Set(key, value);
            if (previous is null)
            {
                Assert.True(trie.Delete(key));
            }
            else
            {
                trie.Set(key, previous);
            }

            Assert.Equal(before, trie.RootHash);
        }, iter: 500);
    }

    [Fact]
    public void Get_returns_what_was_set_and_null_for_other_keys()
    {
        Gen.Select(Entries, Keys.List[0, 10]).Sample((entries, probes) =>
        {
            var trie = new PatriciaTrie();
            foreach (var (key, value) in entries)
            {
                trie.Set(key, value);
            }

            var contents = Contents(entries);
            foreach (var (key, value) in contents.Values)
            {
                Assert.Equal(value, trie.Get(key));
            }

            foreach (var probe in probes.Where(p => !contents.ContainsKey(Hex.Encode(p))))
            {
                Assert.Null(trie.Get(probe));
                Assert.False(trie.TryGet(probe, out _));
            }
        }, iter: 500);
    }

    [Fact]
    public void Every_key_has_a_proof_and_absent_keys_are_proven_absent()
    {
        Gen.Select(Entries, Keys.List[0, 10], Gen.Bool).Sample((entries, probes, secure) =>
        {
            var contents = Contents(entries);
            Func<byte[], IReadOnlyList<byte[]>> prove;
            Func<Hash256, byte[], IReadOnlyList<byte[]>, byte[]?> verify;
            Hash256 root;
            if (secure)
            {
                var trie = new SecureTrie();
                foreach (var (key, value) in contents.Values)
                {
                    trie.Set(key, value);
                }

                (prove, verify, root) = (k => trie.GetProof(k), (r, k, p) => SecureTrie.VerifyProof(r, k, p), trie.RootHash);
            }
            else
            {
                var trie = new PatriciaTrie();
                foreach (var (key, value) in contents.Values)
                {
                    trie.Set(key, value);
                }

                (prove, verify, root) = (k => trie.GetProof(k), (r, k, p) => PatriciaTrie.VerifyProof(r, k, p), trie.RootHash);
            }

            foreach (var (key, value) in contents.Values)
            {
                Assert.Equal(value, verify(root, key, prove(key)));
            }

            foreach (var probe in probes.Where(p => !contents.ContainsKey(Hex.Encode(p))))
            {
                Assert.Null(verify(root, probe, prove(probe)));
            }
        }, iter: 300);
    }

    [Fact]
    public void A_tampered_or_incomplete_proof_is_rejected()
    {
        Gen.Select(Entries.Where(e => e.Count > 0), Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.Byte[1, 255]).Sample((entries, keyChoice, byteChoice, mask) =>
        {
            var trie = new PatriciaTrie();
            foreach (var (key, value) in entries)
            {
                trie.Set(key, value);
            }

            var provenKey = entries[keyChoice % entries.Count].Key;
            var proof = trie.GetProof(provenKey);

            // Every node of the proof is on the key's path, so changing any byte or leaving out any node breaks it.
            var nodeIndex = byteChoice % proof.Count;
            var tampered = proof.Select(node => node.ToArray()).ToList();
            tampered[nodeIndex][byteChoice % tampered[nodeIndex].Length] ^= mask;
            Assert.Throws<InvalidTrieProofException>(() => PatriciaTrie.VerifyProof(trie.RootHash, provenKey, tampered));

            var incomplete = proof.Where((_, index) => index != nodeIndex).ToList();
            Assert.Throws<InvalidTrieProofException>(() => PatriciaTrie.VerifyProof(trie.RootHash, provenKey, incomplete));
        }, iter: 500);
    }

    [Fact]
    public void A_trie_reopened_from_the_store_has_the_same_contents_and_evolves_the_same_way()
    {
        Gen.Select(Entries, Operations).Sample((entries, laterOperations) =>
        {
            var store = new MemoryTrieNodeStore();
            var original = new PatriciaTrie(store);
            foreach (var (key, value) in entries)
            {
                original.Set(key, value);
            }

            var root = original.Commit();
            var nodesAfterCommit = store.Count;
            Assert.Equal(root, original.Commit());
            Assert.Equal(nodesAfterCommit, store.Count);

            var reopened = new PatriciaTrie(store, root);
            Assert.Equal(root, reopened.RootHash);
            foreach (var (key, value) in Contents(entries).Values)
            {
                Assert.Equal(value, reopened.Get(key));
            }

            Assert.Equal(original.Enumerate().Select(e => e.Key), new PatriciaTrie(store, root).Enumerate().Select(e => e.Key));

            var fresh = new PatriciaTrie(store, root);
            foreach (var (key, value) in laterOperations)
            {
                original.Set(key, value);
                reopened.Set(key, value);
                fresh.Set(key, value);
            }

            Assert.Equal(original.RootHash, reopened.RootHash);
            Assert.Equal(original.Commit(), fresh.Commit());
            var afterCommit = new PatriciaTrie(store, original.RootHash).Enumerate().ToList();
            Assert.Equal(original.Enumerate().Select(e => e.Key), afterCommit.Select(e => e.Key));
            Assert.Equal(original.Enumerate().Select(e => e.Value), afterCommit.Select(e => e.Value));
        }, iter: 300);
    }

    /// <summary>The final contents after the entries in order (last value wins).</summary>
    private static Dictionary<string, (byte[] Key, byte[] Value)> Contents(List<(byte[] Key, byte[] Value)> entries)
    {
        var contents = new Dictionary<string, (byte[] Key, byte[] Value)>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            contents[Hex.Encode(key)] = (key, value);
        }

        return contents;
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
