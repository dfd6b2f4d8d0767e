using System.Text;
using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.State.Tests;

public sealed class PatriciaTrieTests
{
    [Fact]
    public void The_empty_trie_root_and_empty_code_hash_are_the_well_known_ones()
    {
        Assert.Equal(Hash256.Parse("0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"), PatriciaTrie.EmptyRootHash);
        Assert.Equal(PatriciaTrie.EmptyRootHash, new PatriciaTrie().RootHash);
        Assert.Equal(PatriciaTrie.EmptyRootHash, StateAccount.EmptyTrieRoot);
        Assert.Equal(Hash256.Parse("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"), StateAccount.EmptyCodeHash);
    }

    [Fact]
    public void Deleting_every_key_gives_back_the_empty_root()
    {
        var trie = new PatriciaTrie();
        string[] keys = ["do", "dog", "doge", "horse"];
        foreach (var key in keys)
        {
            trie.Set(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(key + " value"));
        }

        foreach (var key in keys)
        {
            Assert.True(trie.Delete(Encoding.UTF8.GetBytes(key)));
            Assert.False(trie.Delete(Encoding.UTF8.GetBytes(key)));
        }

        Assert.True(trie.IsEmpty);
        Assert.Equal(PatriciaTrie.EmptyRootHash, trie.RootHash);
    }

    [Fact]
    public void Setting_an_empty_value_deletes()
    {
        var trie = new PatriciaTrie();
        trie.Set([1, 2], [3]);
        trie.Set([1, 2], []);
        Assert.Null(trie.Get([1, 2]));
        Assert.Equal(PatriciaTrie.EmptyRootHash, trie.RootHash);
    }

    [Fact]
    public void Long_keys_and_large_values_match_the_yellow_paper_root()
    {
        var trie = new PatriciaTrie();
        var entries = new List<KeyValuePair<byte[], byte[]>>();
        for (var i = 0; i < 40; i++)
        {
            // Keys over 64 bytes take the heap path; values over 1 KiB make nodes that need a pooled buffer.
            var key = Enumerable.Range(0, 70 + (i % 3)).Select(j => (byte)(j == 69 ? i : 7)).ToArray();
            var value = Enumerable.Repeat((byte)i, i % 2 == 0 ? 3 : 1500).ToArray();
            trie.Set(key, value);
            entries.Add(KeyValuePair.Create(key, value));
        }

        Assert.Equal(ReferenceTrieRoot.Compute(entries), trie.RootHash);
        foreach (var (key, value) in entries)
        {
            Assert.Equal(value, PatriciaTrie.VerifyProof(trie.RootHash, key, trie.GetProof(key)));
        }

        var store = new MemoryTrieNodeStore();
        var committed = new PatriciaTrie(store);
        foreach (var (key, value) in entries)
        {
            committed.Set(key, value);
        }

        var reopened = new PatriciaTrie(store, committed.Commit());
        Assert.Equal(entries[^1].Value, reopened.Get(entries[^1].Key));
    }

    [Fact]
    public void A_small_root_is_stored_by_hash_and_embedded_again_when_it_becomes_a_child()
    {
        var store = new MemoryTrieNodeStore();
        var trie = new PatriciaTrie(store);
        trie.Set([0x12], [0x01]);
        var root = trie.Commit();
        Assert.True(store.TryGet(root, out var encodedRoot));
        Assert.True(encodedRoot.Length < 32);

        var reopened = new PatriciaTrie(store, root);
        reopened.Set([0x13], [0x02]);
        reopened.Set([0x12, 0x34], [0x03]);

        var expected = new PatriciaTrie();
        expected.Set([0x12], [0x01]);
        expected.Set([0x13], [0x02]);
        expected.Set([0x12, 0x34], [0x03]);
        Assert.Equal(expected.RootHash, reopened.RootHash);
    }

    [Fact]
    public void A_node_missing_from_the_store_is_reported_by_hash()
    {
        var store = new MemoryTrieNodeStore();
        var trie = new PatriciaTrie(store);
        for (byte i = 0; i < 40; i++)
        {
            trie.Set([i, 0xaa, 0xbb], Enumerable.Repeat(i, 40).ToArray());
        }

        var root = trie.Commit();
        Assert.True(store.Remove(root));
        var error = Assert.Throws<MissingTrieNodeException>(() => new PatriciaTrie(store, root).Get([1, 0xaa, 0xbb]));
        Assert.Equal(root, error.Hash);
        Assert.Contains(root.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unchanged_values_do_not_dirty_the_trie()
    {
        var store = new MemoryTrieNodeStore();
        var trie = new PatriciaTrie(store);
        for (byte i = 0; i < 20; i++)
        {
            trie.Set([i], Enumerable.Repeat(i, 40).ToArray());
        }

        var root = trie.Commit();
        var stored = store.Count;
        trie.Set([5], Enumerable.Repeat((byte)5, 40).ToArray());
        Assert.False(trie.Delete([99]));
        Assert.Equal(root, trie.Commit());
        Assert.Equal(stored, store.Count);
    }

    [Fact]
    public void Proofs_of_the_empty_trie_and_empty_proofs()
    {
        var empty = new PatriciaTrie();
        Assert.Empty(empty.GetProof([1]));
        Assert.Null(PatriciaTrie.VerifyProof(PatriciaTrie.EmptyRootHash, [1], []));

        var trie = new PatriciaTrie();
        trie.Set([1], [2]);
        var error = Assert.Throws<InvalidTrieProofException>(() => PatriciaTrie.VerifyProof(trie.RootHash, [1], []));
        Assert.Contains("root", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_proof_whose_node_does_not_decode_is_rejected_clearly()
    {
        // The "root" here is the hash of bytes that are not a trie node.
        byte[] notANode = [0xc3, 0x01, 0x02, 0x03];
        var error = Assert.Throws<InvalidTrieProofException>(
            () => PatriciaTrie.VerifyProof(Keccak256.Compute(notANode), [1], [notANode]));
        Assert.Contains("3 items", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enumeration_is_in_key_order_with_prefixes_first()
    {
        var trie = new PatriciaTrie();
        foreach (var key in new[] { "dog", "do", "cat", "doge", "a", "horse" })
        {
            trie.Set(Encoding.UTF8.GetBytes(key), [1]);
        }

        Assert.Equal(
            ["a", "cat", "do", "dog", "doge", "horse"],
            trie.Enumerate().Select(entry => Encoding.UTF8.GetString(entry.Key)));
    }
}
