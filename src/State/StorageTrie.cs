using Hyperion.Core;
using Hyperion.Core.Rlp;

namespace Hyperion.State;

/// <summary>
/// One contract's storage: key keccak(slot as 32 big-endian bytes), value rlp(slot value as big-endian
/// bytes without leading zeros). A zero value is no entry at all.
/// </summary>
public sealed class StorageTrie
{
    private readonly SecureTrie _trie;

    /// <summary>Empty storage over a fresh <see cref="MemoryTrieNodeStore"/>.</summary>
    public StorageTrie()
    {
        _trie = new SecureTrie();
    }

    /// <summary>The storage whose root is <paramref name="storageRoot"/> in <paramref name="store"/>.</summary>
    public StorageTrie(ITrieNodeStore store, Hash256 storageRoot)
    {
        _trie = new SecureTrie(store, storageRoot);
    }

    public Hash256 RootHash => _trie.RootHash;

    public SecureTrie Trie => _trie;

    public UInt256 Get(in UInt256 slot)
    {
        Span<byte> key = stackalloc byte[UInt256.ByteLength];
        slot.WriteBigEndian(key);
        return _trie.TryGet(key, out var encoded) ? DecodeValue(encoded) : UInt256.Zero;
    }

    /// <summary>Writes a slot; zero deletes it.</summary>
    public void Set(in UInt256 slot, in UInt256 value)
    {
        Span<byte> key = stackalloc byte[UInt256.ByteLength];
        slot.WriteBigEndian(key);
        if (value.IsZero)
        {
            _trie.Delete(key);
            return;
        }

        Span<byte> encoded = stackalloc byte[1 + UInt256.ByteLength];
        _trie.Set(key, EncodeValue(value, encoded));
    }

    /// <inheritdoc cref="PatriciaTrie.Commit"/>
    public Hash256 Commit() => _trie.Commit();

    public IReadOnlyList<byte[]> GetProof(in UInt256 slot)
    {
        Span<byte> key = stackalloc byte[UInt256.ByteLength];
        slot.WriteBigEndian(key);
        return _trie.GetProof(key);
    }

    /// <summary>Checks a storage proof; an absent slot is zero.</summary>
    /// <exception cref="InvalidTrieProofException">The proof proves nothing.</exception>
    public static UInt256 VerifyProof(in Hash256 storageRoot, in UInt256 slot, IEnumerable<byte[]> proof)
    {
        Span<byte> key = stackalloc byte[UInt256.ByteLength];
        slot.WriteBigEndian(key);
        var encoded = SecureTrie.VerifyProof(storageRoot, key, proof);
        if (encoded is null)
        {
            return UInt256.Zero;
        }

        try
        {
            return DecodeValue(encoded);
        }
        catch (RlpException e)
        {
            throw new InvalidTrieProofException($"Invalid proof: the slot's value is not an RLP integer: {e.Message}", e);
        }
    }

    /// <summary>rlp(trimmed big-endian bytes) into <paramref name="destination"/> (33 bytes suffice).</summary>
    public static ReadOnlySpan<byte> EncodeValue(in UInt256 value, Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[UInt256.ByteLength];
        value.WriteBigEndian(word);
        var trimmed = word[(UInt256.ByteLength - value.ByteCount)..];
        if (trimmed.Length == 1 && trimmed[0] < Rlp.EmptyString)
        {
            destination[0] = trimmed[0];
            return destination[..1];
        }

        destination[0] = (byte)(Rlp.EmptyString + trimmed.Length);
        trimmed.CopyTo(destination[1..]);
        return destination[..(1 + trimmed.Length)];
    }

    public static UInt256 DecodeValue(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var value = reader.ReadUInt256();
        reader.EnsureEnd();
        return value;
    }
}
