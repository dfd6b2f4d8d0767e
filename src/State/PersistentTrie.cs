using System.Diagnostics.CodeAnalysis;
using Hyperion.Core;

namespace Hyperion.State;

/// <summary>
/// An immutable Merkle Patricia trie over 32-byte keys (keccak(address) in the account trie, keccak(slot) in a storage
/// trie), held in memory with every node's reference already computed. A <see cref="PersistentTrieBuilder"/> makes
/// the next version: it copies only the nodes on the paths it changes and shares the rest, so the new root hash costs
/// the changed paths, not the trie's size. Nothing reachable from a published trie is written again, so every version
/// can be read from any number of threads, and an old version stays valid after newer ones are made. A version that
/// nothing refers to any more is freed by the garbage collector: that is the pruning a node store would need.
/// </summary>
/// <remarks>The root hash equals <see cref="PatriciaTrie"/>'s (and <see cref="SecureTrie"/>'s, whose keys are
/// hashed the same way) over the same keys and values.</remarks>
public sealed class PersistentTrie
{
    private PersistentTrie(PersistentTrieNode? root, int count)
    {
        root?.EnsureReference();
        Root = root;
        Count = count;
        RootHash = root?.RootHash ?? PatriciaTrie.EmptyRootHash;
    }

    public static PersistentTrie Empty { get; } = new(null, 0);

    public Hash256 RootHash { get; }

    /// <summary>How many keys the trie holds.</summary>
    public int Count { get; }

    public bool IsEmpty => Root is null;

    internal PersistentTrieNode? Root { get; }

    /// <summary>A builder that starts from this trie; this trie does not change.</summary>
    public PersistentTrieBuilder ToBuilder() => new(Root, Count);

    /// <summary>The value of <paramref name="key"/> (the stored bytes themselves: do not change them).</summary>
    public bool TryGetValue(in Hash256 key, [NotNullWhen(true)] out byte[]? value)
    {
        var node = Root;
        var depth = 0;
        while (true)
        {
            switch (node)
            {
                case PersistentLeafNode leaf when leaf.Key == key:
                    value = leaf.Value;
                    return true;
                case PersistentExtensionNode extension when PersistentTrieBuilder.Follows(key, depth, extension.Path):
                    depth += extension.Path.Length;
                    node = extension.Child;
                    break;
                case PersistentBranchNode branch:
                    node = branch.Children[PersistentTrieNode.Nibble(key, depth++)];
                    break;
                default:
                    value = null;
                    return false;
            }
        }
    }

    /// <summary>The trie of exactly these entries (a later entry for the same key wins).</summary>
    public static PersistentTrie Create(IEnumerable<KeyValuePair<Hash256, byte[]>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var builder = Empty.ToBuilder();
        foreach (var (key, value) in entries)
        {
            builder.Set(key, value);
        }

        return builder.ToTrie();
    }

    internal static PersistentTrie FromBuilder(PersistentTrieNode? root, int count) => new(root, count);
}

/// <summary>
/// Makes the next version of a <see cref="PersistentTrie"/> by sets and deletes. Nodes that the builder made itself
/// (they have no reference yet) are changed in place, so a batch of changes under a shared branch copies it once;
/// nodes of the trie it started from are copied before any change. Not thread-safe; used once.
/// </summary>
public sealed class PersistentTrieBuilder
{
    private PersistentTrieNode? _root;
    private int _count;
    private bool _finished;

    internal PersistentTrieBuilder(PersistentTrieNode? root, int count)
    {
        _root = root;
        _count = count;
    }

    public int Count => _count;

    /// <summary>Inserts or updates <paramref name="key"/>. The builder keeps <paramref name="value"/>: do not change
    /// it afterwards. An empty value deletes, as in Ethereum.</summary>
    public void Set(in Hash256 key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ThrowIfFinished();
        if (value.Length == 0)
        {
            Delete(key);
            return;
        }

        _root = Insert(_root, key, 0, value, out var added);
        if (added)
        {
            _count++;
        }
    }

    /// <summary>Removes <paramref name="key"/>; returns false when it was not there.</summary>
    public bool Delete(in Hash256 key)
    {
        ThrowIfFinished();
        _root = Remove(_root, key, 0, out var removed);
        if (removed)
        {
            _count--;
        }

        return removed;
    }

    /// <summary>Hashes what changed and publishes it as a trie. The builder cannot be used afterwards.</summary>
    public PersistentTrie ToTrie()
    {
        ThrowIfFinished();
        _finished = true;
        return PersistentTrie.FromBuilder(_root, _count);
    }

    /// <summary>True when the key's nibbles from <paramref name="depth"/> start with <paramref name="path"/>.</summary>
    internal static bool Follows(in Hash256 key, int depth, ReadOnlySpan<byte> path)
    {
        if (depth + path.Length > PersistentLeafNode.KeyNibbles)
        {
            return false;
        }

        for (var i = 0; i < path.Length; i++)
        {
            if (PersistentTrieNode.Nibble(key, depth + i) != path[i])
            {
                return false;
            }
        }

        return true;
    }

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The builder already made its trie; start a new one from it.");
        }
    }

    /// <summary>Inserts below <paramref name="node"/>, which sits at <paramref name="depth"/> nibbles, and returns what
    /// replaces it in its parent (the node itself when nothing changed or it was changed in place).</summary>
    private static PersistentTrieNode Insert(PersistentTrieNode? node, in Hash256 key, int depth, byte[] value, out bool added)
    {
        switch (node)
        {
            case null:
                added = true;
                return new PersistentLeafNode(key, depth, value);

            case PersistentLeafNode leaf when leaf.Key == key:
                added = false;
                if (leaf.Value.AsSpan().SequenceEqual(value))
                {
                    return leaf;
                }

                if (!leaf.HasReference)
                {
                    leaf.Value = value;
                    return leaf;
                }

                return new PersistentLeafNode(key, depth, value);

            case PersistentLeafNode leaf:
                {
                    // The keys part at nibble `split`: a branch there holds both.
                    var split = depth;
                    while (PersistentTrieNode.Nibble(leaf.Key, split) == PersistentTrieNode.Nibble(key, split))
                    {
                        split++;
                    }

                    var branch = new PersistentBranchNode();
                    branch.Children[PersistentTrieNode.Nibble(leaf.Key, split)] = Relocate(leaf, split + 1);
                    branch.Children[PersistentTrieNode.Nibble(key, split)] = new PersistentLeafNode(key, split + 1, value);
                    added = true;
                    return split == depth ? branch : new PersistentExtensionNode(KeyNibbles(key, depth, split - depth), branch);
                }

            case PersistentExtensionNode extension:
                {
                    var common = 0;
                    while (common < extension.Path.Length && PersistentTrieNode.Nibble(key, depth + common) == extension.Path[common])
                    {
                        common++;
                    }

                    if (common == extension.Path.Length)
                    {
                        var child = Insert(extension.Child, key, depth + common, value, out added);
                        if (ReferenceEquals(child, extension.Child))
                        {
                            return extension;
                        }

                        if (!extension.HasReference)
                        {
                            extension.Child = child;
                            return extension;
                        }

                        return new PersistentExtensionNode(extension.Path, child);
                    }

                    // The key leaves the extension's path part-way: split it around a branch.
                    var branch = new PersistentBranchNode();
                    var rest = extension.Path.AsSpan(common);
                    branch.Children[rest[0]] = rest.Length == 1 ? extension.Child : new PersistentExtensionNode(rest[1..].ToArray(), extension.Child);
                    branch.Children[PersistentTrieNode.Nibble(key, depth + common)] = new PersistentLeafNode(key, depth + common + 1, value);
                    added = true;
                    return common == 0 ? branch : new PersistentExtensionNode(extension.Path.AsSpan(0, common).ToArray(), branch);
                }

            case PersistentBranchNode branch:
                {
                    var nibble = PersistentTrieNode.Nibble(key, depth);
                    var before = branch.Children[nibble];
                    var child = Insert(before, key, depth + 1, value, out added);
                    if (ReferenceEquals(child, before))
                    {
                        return branch;
                    }

                    var target = branch.HasReference ? branch.Copy() : branch;
                    target.Children[nibble] = child;
                    return target;
                }

            default:
                throw new InvalidOperationException($"Unknown trie node type {node.GetType().Name}.");
        }
    }

    /// <summary>Deletes below <paramref name="node"/> and returns what replaces it in its parent, collapsing nodes so
    /// that the trie keeps its one canonical shape.</summary>
    private static PersistentTrieNode? Remove(PersistentTrieNode? node, in Hash256 key, int depth, out bool removed)
    {
        switch (node)
        {
            case null:
                removed = false;
                return null;

            case PersistentLeafNode leaf:
                removed = leaf.Key == key;
                return removed ? null : leaf;

            case PersistentExtensionNode extension:
                {
                    if (!Follows(key, depth, extension.Path))
                    {
                        removed = false;
                        return extension;
                    }

                    var child = Remove(extension.Child, key, depth + extension.Path.Length, out removed);
                    if (ReferenceEquals(child, extension.Child))
                    {
                        return extension;
                    }

                    // The branch below may have collapsed into a leaf or an extension: join them to this one.
                    switch (child)
                    {
                        case null:
                            return null;
                        case PersistentLeafNode leafChild:
                            return Relocate(leafChild, depth);
                        case PersistentExtensionNode extensionChild:
                            return new PersistentExtensionNode(Nibbles.Concat(extension.Path, extensionChild.Path), extensionChild.Child);
                        default:
                            if (!extension.HasReference)
                            {
                                extension.Child = child;
                                return extension;
                            }

                            return new PersistentExtensionNode(extension.Path, child);
                    }
                }

            case PersistentBranchNode branch:
                {
                    var nibble = PersistentTrieNode.Nibble(key, depth);
                    var before = branch.Children[nibble];
                    var child = Remove(before, key, depth + 1, out removed);
                    if (ReferenceEquals(child, before))
                    {
                        return branch;
                    }

                    var target = branch.HasReference ? branch.Copy() : branch;
                    target.Children[nibble] = child;
                    return child is null ? Collapse(target, depth) : target;
                }

            default:
                throw new InvalidOperationException($"Unknown trie node type {node.GetType().Name}.");
        }
    }

    /// <summary>A branch left with one child is not canonical: it merges with that child.</summary>
    private static PersistentTrieNode? Collapse(PersistentBranchNode branch, int depth)
    {
        var onlyChild = -1;
        for (var nibble = 0; nibble < PersistentBranchNode.Width; nibble++)
        {
            if (branch.Children[nibble] is not null)
            {
                if (onlyChild >= 0)
                {
                    return branch;
                }

                onlyChild = nibble;
            }
        }

        return onlyChild < 0
            ? null
            : branch.Children[onlyChild] switch
            {
                PersistentLeafNode leaf => Relocate(leaf, depth),
                PersistentExtensionNode extension => new PersistentExtensionNode(Nibbles.Prepend((byte)onlyChild, extension.Path), extension.Child),
                var child => new PersistentExtensionNode([(byte)onlyChild], child!),
            };
    }

    /// <summary>The leaf at another depth (its path is the rest of its key from there).</summary>
    private static PersistentLeafNode Relocate(PersistentLeafNode leaf, int depth)
    {
        if (leaf.HasReference)
        {
            return new PersistentLeafNode(leaf.Key, depth, leaf.Value);
        }

        leaf.Depth = depth;
        return leaf;
    }

    private static byte[] KeyNibbles(in Hash256 key, int start, int length)
    {
        var nibbles = new byte[length];
        for (var i = 0; i < length; i++)
        {
            nibbles[i] = PersistentTrieNode.Nibble(key, start + i);
        }

        return nibbles;
    }
}
