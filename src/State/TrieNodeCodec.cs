using System.Diagnostics;
using Hyperion.Core;
using Hyperion.Core.Rlp;

namespace Hyperion.State;

/// <summary>
/// The RLP of trie nodes (yellow paper, appendix D): a leaf is [hex-prefix path, value], an extension
/// [hex-prefix path, child reference], a branch [16 child references, value]. A child reference is the
/// empty string for no child, the child's own RLP when that is under 32 bytes, else its 32-byte keccak.
/// Encoding writes straight into a span whose length is computed first, so hashing a node allocates
/// nothing; it needs the references of the node's children to be known already.
/// </summary>
internal static class TrieNodeCodec
{
    /// <summary>Nodes whose RLP is shorter than this are embedded in their parent instead of hashed.</summary>
    public const int MaxInlineLength = Hash256.Length - 1;

    public const byte ShortStringBase = 0x80;
    public const byte ShortListBase = 0xc0;
    private const int ShortPayloadLimit = 56;
    public const int HashReferenceLength = 1 + Hash256.Length;

    public static int EncodedLength(TrieNode node) => node switch
    {
        LeafNode leaf => ListLength(PathItemLength(leaf.Path) + StringLength(leaf.Value)),
        ExtensionNode extension => ListLength(PathItemLength(extension.Path) + ReferenceLength(extension.Child)),
        BranchNode branch => ListLength(BranchPayloadLength(branch)),
        _ => throw new InvalidOperationException("A hash reference is written by its parent, never encoded on its own."),
    };

    /// <summary>Writes the node's RLP, which must fit <paramref name="destination"/>; returns its length.</summary>
    public static int Encode(TrieNode node, Span<byte> destination)
    {
        switch (node)
        {
            case LeafNode leaf:
                {
                    var at = WriteHeader(destination, ShortListBase, PathItemLength(leaf.Path) + StringLength(leaf.Value));
                    at += WritePathItem(destination[at..], leaf.Path, isLeaf: true);
                    return at + WriteString(destination[at..], leaf.Value);
                }

            case ExtensionNode extension:
                {
                    var at = WriteHeader(destination, ShortListBase, PathItemLength(extension.Path) + ReferenceLength(extension.Child));
                    at += WritePathItem(destination[at..], extension.Path, isLeaf: false);
                    return at + WriteReference(destination[at..], extension.Child);
                }

            case BranchNode branch:
                {
                    var at = WriteHeader(destination, ShortListBase, BranchPayloadLength(branch));
                    foreach (var child in branch.Children)
                    {
                        at += WriteReference(destination[at..], child);
                    }

                    return at + WriteString(destination[at..], branch.Value ?? []);
                }

            default:
                throw new InvalidOperationException("A hash reference is written by its parent, never encoded on its own.");
        }
    }

    public static byte[] EncodeToArray(TrieNode node)
    {
        var encoded = new byte[EncodedLength(node)];
        Encode(node, encoded);
        return encoded;
    }

    /// <summary>Decodes a node. Children under 32 bytes come back decoded, larger ones as hash references;
    /// the caller sets the returned node's own reference.</summary>
    public static TrieNode Decode(ReadOnlySpan<byte> encoded)
    {
        try
        {
            return ReadNode(encoded);
        }
        catch (RlpException e)
        {
            throw new InvalidTrieNodeException("Trie node: " + e.Message, e);
        }
    }

    private static TrieNode ReadNode(ReadOnlySpan<byte> encoded)
    {
        var outer = new RlpReader(encoded);
        var items = outer.ReadList();
        outer.EnsureEnd();

        var count = 0;
        for (var probe = items; !probe.IsEnd; count++)
        {
            probe.Skip();
        }

        TrieNode node;
        switch (count)
        {
            case 2:
                {
                    var path = Nibbles.DecodeCompact(items.ReadBytes(), out var isLeaf);
                    if (isLeaf)
                    {
                        var value = items.ReadBytes();
                        if (value.IsEmpty)
                        {
                            throw new InvalidTrieNodeException("Trie node: a leaf with an empty value (empty values are deletions).");
                        }

                        node = new LeafNode(path, value.ToArray());
                    }
                    else
                    {
                        if (path.Length == 0)
                        {
                            throw new InvalidTrieNodeException("Trie node: an extension with an empty path.");
                        }

                        var child = ReadReference(ref items)
                            ?? throw new InvalidTrieNodeException("Trie node: an extension without a child.");
                        node = new ExtensionNode(path, child);
                    }

                    break;
                }

            case BranchNode.Width + 1:
                {
                    var branch = new BranchNode();
                    for (var i = 0; i < BranchNode.Width; i++)
                    {
                        branch.Children[i] = ReadReference(ref items);
                    }

                    var value = items.ReadBytes();
                    branch.Value = value.IsEmpty ? null : value.ToArray();
                    node = branch;
                    break;
                }

            default:
                throw new InvalidTrieNodeException($"Trie node: a list of {count} items; nodes have 2 (leaf, extension) or 17 (branch).");
        }

        node.MarkClean();
        return node;
    }

    private static TrieNode? ReadReference(ref RlpReader items)
    {
        if (items.NextIsList)
        {
            var embedded = items.ReadEncodedItem();
            if (embedded.Length > MaxInlineLength)
            {
                throw new InvalidTrieNodeException($"Trie node: an embedded child of {embedded.Length} bytes; children of 32 bytes or more are referenced by hash.");
            }

            var child = ReadNode(embedded);
            child.SetInlineReference(embedded.ToArray());
            return child;
        }

        var bytes = items.ReadBytes();
        return bytes.Length switch
        {
            0 => null,
            Hash256.Length => new HashReferenceNode(new Hash256(bytes)),
            _ => throw new InvalidTrieNodeException($"Trie node: a child reference of {bytes.Length} bytes; expected 0 or 32, or an embedded node."),
        };
    }

    private static int BranchPayloadLength(BranchNode branch)
    {
        var length = StringLength(branch.Value ?? []);
        foreach (var child in branch.Children)
        {
            length += ReferenceLength(child);
        }

        return length;
    }

    private static int ReferenceLength(TrieNode? child)
    {
        if (child is null)
        {
            return 1;
        }

        Debug.Assert(child.HasReference, "Children are referenced before their parent is encoded.");
        return child.InlineEncoding?.Length ?? HashReferenceLength;
    }

    private static int WriteReference(Span<byte> destination, TrieNode? child)
    {
        if (child is null)
        {
            destination[0] = ShortStringBase;
            return 1;
        }

        if (child.InlineEncoding is { } inline)
        {
            inline.CopyTo(destination);
            return inline.Length;
        }

        destination[0] = ShortStringBase + Hash256.Length;
        child.Hash.CopyTo(destination[1..]);
        return HashReferenceLength;
    }

    // A hex-prefix path of one byte is a single byte below 0x40, which RLP writes bare.
    public static int PathItemLength(ReadOnlySpan<byte> nibbles)
    {
        var length = Nibbles.CompactLength(nibbles.Length);
        return length == 1 ? 1 : HeaderLength(length) + length;
    }

    public static int WritePathItem(Span<byte> destination, ReadOnlySpan<byte> nibbles, bool isLeaf)
    {
        var length = Nibbles.CompactLength(nibbles.Length);
        if (length == 1)
        {
            destination[0] = Nibbles.CompactFirstByte(nibbles, isLeaf);
            return 1;
        }

        var at = WriteHeader(destination, ShortStringBase, length);
        Nibbles.WriteCompact(nibbles, isLeaf, destination[at..]);
        return at + length;
    }

    public static int StringLength(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 1 && bytes[0] < ShortStringBase ? 1 : HeaderLength(bytes.Length) + bytes.Length;

    public static int WriteString(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 1 && bytes[0] < ShortStringBase)
        {
            destination[0] = bytes[0];
            return 1;
        }

        var at = WriteHeader(destination, ShortStringBase, bytes.Length);
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }

    public static int ListLength(int payloadLength) => HeaderLength(payloadLength) + payloadLength;

    private static int HeaderLength(int payloadLength) =>
        payloadLength < ShortPayloadLimit ? 1 : 1 + LengthOfLength(payloadLength);

    private static int LengthOfLength(int length) => 4 - (System.Numerics.BitOperations.LeadingZeroCount((uint)length) / 8);

    public static int WriteHeader(Span<byte> destination, byte shortBase, int payloadLength)
    {
        if (payloadLength < ShortPayloadLimit)
        {
            destination[0] = (byte)(shortBase + payloadLength);
            return 1;
        }

        var lengthOfLength = LengthOfLength(payloadLength);
        destination[0] = (byte)(shortBase + ShortPayloadLimit - 1 + lengthOfLength);
        for (var i = 0; i < lengthOfLength; i++)
        {
            destination[lengthOfLength - i] = (byte)(payloadLength >> (8 * i));
        }

        return 1 + lengthOfLength;
    }
}
