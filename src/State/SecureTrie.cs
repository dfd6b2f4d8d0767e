using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.State;

/// <summary>
/// A <see cref="PatriciaTrie"/> whose keys are keccak(key), as Ethereum's account and storage tries are:
/// every path is 64 nibbles, so an attacker cannot make paths deep, and no key is a prefix of another.
/// The original keys are not kept.
/// </summary>
public sealed class SecureTrie
{
    private readonly PatriciaTrie _trie;

    /// <summary>An empty trie over a fresh <see cref="MemoryTrieNodeStore"/>.</summary>
    public SecureTrie()
        : this(new PatriciaTrie())
    {
    }

    /// <summary>The trie whose root is <paramref name="rootHash"/> in <paramref name="store"/>.</summary>
    public SecureTrie(ITrieNodeStore store, Hash256 rootHash)
        : this(new PatriciaTrie(store, rootHash))
    {
    }

    private SecureTrie(PatriciaTrie trie)
    {
        _trie = trie;
    }

    /// <summary>The underlying trie, keyed by the hashes.</summary>
    public PatriciaTrie Trie => _trie;

    public ITrieNodeStore Store => _trie.Store;

    public Hash256 RootHash => _trie.RootHash;

    public bool IsEmpty => _trie.IsEmpty;

    public bool TryGet(scoped ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        Span<byte> hashedKey = stackalloc byte[Keccak256.HashLength];
        Keccak256.Compute(key, hashedKey);
        return _trie.TryGet(hashedKey, out value);
    }

    public byte[]? Get(ReadOnlySpan<byte> key) => TryGet(key, out var value) ? value.ToArray() : null;

    /// <summary>Inserts or updates; an empty value deletes.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Span<byte> hashedKey = stackalloc byte[Keccak256.HashLength];
        Keccak256.Compute(key, hashedKey);
        _trie.Set(hashedKey, value);
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        Span<byte> hashedKey = stackalloc byte[Keccak256.HashLength];
        Keccak256.Compute(key, hashedKey);
        return _trie.Delete(hashedKey);
    }

    /// <inheritdoc cref="PatriciaTrie.Commit"/>
    public Hash256 Commit() => _trie.Commit();

    /// <summary>The proof of keccak(<paramref name="key"/>), as <c>eth_getProof</c> returns it.</summary>
    public IReadOnlyList<byte[]> GetProof(ReadOnlySpan<byte> key)
    {
        Span<byte> hashedKey = stackalloc byte[Keccak256.HashLength];
        Keccak256.Compute(key, hashedKey);
        return _trie.GetProof(hashedKey);
    }

    /// <inheritdoc cref="PatriciaTrie.VerifyProof"/>
    public static byte[]? VerifyProof(in Hash256 rootHash, ReadOnlySpan<byte> key, IEnumerable<byte[]> proof)
    {
        Span<byte> hashedKey = stackalloc byte[Keccak256.HashLength];
        Keccak256.Compute(key, hashedKey);
        return PatriciaTrie.VerifyProof(rootHash, hashedKey, proof);
    }
}
