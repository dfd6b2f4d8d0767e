using System.Buffers;
using System.Runtime.CompilerServices;
using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.State;

/// <summary>
/// A node of a <see cref="PersistentTrie"/>. Keys are 32 bytes (64 nibbles), so no key ends inside another and
/// branches never hold a value. A node is changed in place only while it has no reference yet: such a node was made
/// by the <see cref="PersistentTrieBuilder"/> that is still editing, and no published trie can reach it. Computing the
/// reference ends that: a published trie's nodes all have one and are never written again.
/// </summary>
internal abstract class PersistentTrieNode
{
    // Nodes with 16 hashed children take 532 bytes plus their value; larger ones use a pooled buffer.
    private const int StackEncodingLimit = 1024;

    private Hash256 _hash;
    private byte[]? _inlineEncoding;

    /// <summary>True once <see cref="Hash"/> or <see cref="InlineEncoding"/> is set; the node is frozen from then on.</summary>
    public bool HasReference { get; private set; }

    /// <summary>The node's RLP when it is shorter than 32 bytes, which its parent embeds as it is.</summary>
    public byte[]? InlineEncoding => _inlineEncoding;

    /// <summary>The keccak of the node's RLP; valid when <see cref="HasReference"/> and not inline.</summary>
    public Hash256 Hash => _hash;

    /// <summary>How many bytes the parent spends on this node: its RLP when embedded, else rlp(hash).</summary>
    public int ReferenceLength => _inlineEncoding?.Length ?? TrieNodeCodec.HashReferenceLength;

    /// <summary>The hash of the trie whose root this node is: the root is hashed even when a parent would embed it.</summary>
    public Hash256 RootHash => _inlineEncoding is { } inline ? Keccak256.Compute(inline) : _hash;

    public abstract int EncodedLength();

    public abstract int Encode(Span<byte> destination);

    /// <summary>Computes the reference of this node and of every descendant that lacks one (the new ones).</summary>
    public void EnsureReference()
    {
        if (HasReference)
        {
            return;
        }

        switch (this)
        {
            case PersistentExtensionNode extension:
                extension.Child.EnsureReference();
                break;
            case PersistentBranchNode branch:
                foreach (var child in branch.Children)
                {
                    child?.EnsureReference();
                }

                break;
        }

        ComputeReference();
    }

    public int WriteReference(Span<byte> destination)
    {
        if (_inlineEncoding is { } inline)
        {
            inline.CopyTo(destination);
            return inline.Length;
        }

        destination[0] = TrieNodeCodec.ShortStringBase + Hash256.Length;
        _hash.CopyTo(destination[1..]);
        return TrieNodeCodec.HashReferenceLength;
    }

    [SkipLocalsInit]
    private void ComputeReference()
    {
        var length = EncodedLength();
        if (length <= TrieNodeCodec.MaxInlineLength)
        {
            var encoded = new byte[length];
            Encode(encoded);
            _inlineEncoding = encoded;
            HasReference = true;
            return;
        }

        byte[]? rented = null;
        Span<byte> buffer = length <= StackEncodingLimit
            ? stackalloc byte[StackEncodingLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encode(buffer);
        _hash = Keccak256.Compute(buffer[..written]);
        HasReference = true;
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Nibble <paramref name="index"/> (0 to 63) of a key, high nibble of each byte first.</summary>
    public static byte Nibble(in Hash256 key, int index)
    {
        var value = key.Bytes[index >> 1];
        return (byte)((index & 1) == 0 ? value >> 4 : value & 0x0f);
    }
}

/// <summary>The end of a key: its nibbles from <see cref="Depth"/> on are the leaf's path.</summary>
internal sealed class PersistentLeafNode(in Hash256 key, int depth, byte[] value) : PersistentTrieNode
{
    public const int KeyNibbles = 2 * Hash256.Length;

    public Hash256 Key { get; } = key;

    /// <summary>How many nibbles of the key the nodes above consume; set only while the node is being built.</summary>
    public int Depth { get; set; } = depth;

    /// <summary>Never empty; set only while the node is being built.</summary>
    public byte[] Value { get; set; } = value;

    public override int EncodedLength()
    {
        Span<byte> path = stackalloc byte[KeyNibbles];
        return TrieNodeCodec.ListLength(TrieNodeCodec.PathItemLength(Path(path)) + TrieNodeCodec.StringLength(Value));
    }

    public override int Encode(Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[KeyNibbles];
        var path = Path(buffer);
        var at = TrieNodeCodec.WriteHeader(destination, TrieNodeCodec.ShortListBase, TrieNodeCodec.PathItemLength(path) + TrieNodeCodec.StringLength(Value));
        at += TrieNodeCodec.WritePathItem(destination[at..], path, isLeaf: true);
        return at + TrieNodeCodec.WriteString(destination[at..], Value);
    }

    private ReadOnlySpan<byte> Path(Span<byte> buffer)
    {
        var length = KeyNibbles - Depth;
        for (var i = 0; i < length; i++)
        {
            buffer[i] = Nibble(Key, Depth + i);
        }

        return buffer[..length];
    }
}

/// <summary>A run of nibbles that every key below shares, leading to a branch.</summary>
internal sealed class PersistentExtensionNode(byte[] path, PersistentTrieNode child) : PersistentTrieNode
{
    public byte[] Path { get; } = path;

    /// <summary>Always a branch; set only while the node is being built.</summary>
    public PersistentTrieNode Child { get; set; } = child;

    public override int EncodedLength() =>
        TrieNodeCodec.ListLength(TrieNodeCodec.PathItemLength(Path) + Child.ReferenceLength);

    public override int Encode(Span<byte> destination)
    {
        var at = TrieNodeCodec.WriteHeader(destination, TrieNodeCodec.ShortListBase, TrieNodeCodec.PathItemLength(Path) + Child.ReferenceLength);
        at += TrieNodeCodec.WritePathItem(destination[at..], Path, isLeaf: false);
        return at + Child.WriteReference(destination[at..]);
    }
}

/// <summary>Sixteen children, one per next nibble; at least two are present. Its value is always empty.</summary>
internal sealed class PersistentBranchNode : PersistentTrieNode
{
    public const int Width = 16;

    public PersistentBranchNode()
    {
        Children = new PersistentTrieNode?[Width];
    }

    private PersistentBranchNode(PersistentTrieNode?[] children)
    {
        Children = children;
    }

    /// <summary>Written only while the node is being built.</summary>
    public PersistentTrieNode?[] Children { get; }

    /// <summary>An unfrozen copy, for a builder to change.</summary>
    public PersistentBranchNode Copy() => new((PersistentTrieNode?[])Children.Clone());

    public override int EncodedLength() => TrieNodeCodec.ListLength(PayloadLength());

    public override int Encode(Span<byte> destination)
    {
        var at = TrieNodeCodec.WriteHeader(destination, TrieNodeCodec.ShortListBase, PayloadLength());
        foreach (var child in Children)
        {
            if (child is null)
            {
                destination[at++] = TrieNodeCodec.ShortStringBase;
            }
            else
            {
                at += child.WriteReference(destination[at..]);
            }
        }

        // The value slot: always the empty string, since no 32-byte key ends at a branch.
        destination[at++] = TrieNodeCodec.ShortStringBase;
        return at;
    }

    private int PayloadLength()
    {
        var length = 1;
        foreach (var child in Children)
        {
            length += child?.ReferenceLength ?? 1;
        }

        return length;
    }
}
