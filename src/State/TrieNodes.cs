using Hyperion.Core;

namespace Hyperion.State;

/// <summary>
/// A node of the Merkle Patricia trie, held in memory and changed in place. Each node remembers how its
/// parent refers to it (its RLP when that is under 32 bytes, else the keccak of its RLP), so a root hash
/// after a few updates re-hashes only the nodes on the updated paths; and whether it has been written
/// to the node store since it last changed.
/// </summary>
internal abstract class TrieNode
{
    private Hash256 _hash;
    private byte[]? _inlineEncoding;

    /// <summary>True when <see cref="Hash"/> or <see cref="InlineEncoding"/> holds the current reference.</summary>
    public bool HasReference { get; private set; }

    /// <summary>True when the node changed since it was read from or written to the store.</summary>
    public bool IsDirty { get; private set; } = true;

    /// <summary>The node's RLP when it is shorter than 32 bytes, which its parent embeds as it is.</summary>
    public byte[]? InlineEncoding => _inlineEncoding;

    /// <summary>The keccak of the node's RLP; valid when <see cref="HasReference"/> and not inline.</summary>
    public Hash256 Hash => _hash;

    public bool IsInline => _inlineEncoding is not null;

    public void SetHashReference(in Hash256 hash)
    {
        _hash = hash;
        _inlineEncoding = null;
        HasReference = true;
    }

    public void SetInlineReference(byte[] encoding)
    {
        _inlineEncoding = encoding;
        HasReference = true;
    }

    /// <summary>The node changed: forget its reference and write it at the next commit.</summary>
    public void MarkDirty()
    {
        IsDirty = true;
        HasReference = false;
        _inlineEncoding = null;
    }

    /// <summary>The node is in the store (or came from it) as it is now.</summary>
    public void MarkClean() => IsDirty = false;
}

/// <summary>The end of a key: the rest of its path (nibbles) and its value, which is never empty.</summary>
internal sealed class LeafNode(byte[] path, byte[] value) : TrieNode
{
    public byte[] Path { get; } = path;

    public byte[] Value { get; set; } = value;
}

/// <summary>A run of nibbles that every key below shares, leading to a branch.</summary>
internal sealed class ExtensionNode(byte[] path, TrieNode child) : TrieNode
{
    public byte[] Path { get; } = path;

    public TrieNode Child { get; set; } = child;
}

/// <summary>Sixteen children, one per next nibble, and the value of the key that ends here, if any.</summary>
internal sealed class BranchNode : TrieNode
{
    public const int Width = 16;

    public TrieNode?[] Children { get; } = new TrieNode?[Width];

    public byte[]? Value { get; set; }
}

/// <summary>A child known only by its hash: it is read from the store (and replaced in its parent)
/// the first time a path goes through it.</summary>
internal sealed class HashReferenceNode : TrieNode
{
    public HashReferenceNode(in Hash256 hash)
    {
        SetHashReference(hash);
        MarkClean();
    }
}
