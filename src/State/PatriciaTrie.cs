using System.Buffers;
using System.Runtime.CompilerServices;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Rlp;

namespace Hyperion.State;

/// <summary>
/// The Merkle Patricia trie of the yellow paper (appendix D), keyed by raw bytes. Nodes are held in
/// memory and loaded from an <see cref="ITrieNodeStore"/> the first time a path needs them; a trie is
/// opened from any root hash the store holds. <see cref="RootHash"/> hashes only what changed since the
/// last time; <see cref="Commit"/> writes what changed to the store.
/// </summary>
/// <remarks>Not thread-safe, not even for reads: reads replace hash references with the nodes they load.
/// For tries whose keys are hashed first (accounts, storage), see <see cref="SecureTrie"/>.</remarks>
public sealed class PatriciaTrie
{
    /// <summary>keccak(rlp("")) = 0x56e8…b421, the root of a trie with no keys.</summary>
    public static readonly Hash256 EmptyRootHash = Keccak256.Compute([Rlp.EmptyString]);

    // Nodes with 16 hashed children take 532 bytes plus their value; larger ones use a pooled buffer.
    private const int StackEncodingLimit = 1024;

    private readonly ITrieNodeStore _store;
    private TrieNode? _root;
    private Hash256? _rootHash;

    /// <summary>An empty trie over a fresh <see cref="MemoryTrieNodeStore"/>.</summary>
    public PatriciaTrie()
        : this(new MemoryTrieNodeStore(), EmptyRootHash)
    {
    }

    /// <summary>An empty trie that commits to <paramref name="store"/>.</summary>
    public PatriciaTrie(ITrieNodeStore store)
        : this(store, EmptyRootHash)
    {
    }

    /// <summary>The trie whose root is <paramref name="rootHash"/> in <paramref name="store"/>. Nothing is read
    /// until a path needs it, so a root the store lacks fails later with <see cref="MissingTrieNodeException"/>.</summary>
    public PatriciaTrie(ITrieNodeStore store, Hash256 rootHash)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        if (rootHash != EmptyRootHash)
        {
            _root = new HashReferenceNode(rootHash);
            _rootHash = rootHash;
        }
    }

    public ITrieNodeStore Store => _store;

    public bool IsEmpty => _root is null;

    /// <summary>keccak(rlp(root node)); only nodes changed since the last call are hashed.</summary>
    public Hash256 RootHash
    {
        get
        {
            if (_rootHash is { } cached)
            {
                return cached;
            }

            var hash = EmptyRootHash;
            if (_root is not null)
            {
                EnsureReference(_root);

                // The root is hashed even when its RLP is under 32 bytes and a parent would embed it.
                hash = _root.InlineEncoding is { } inline ? Keccak256.Compute(inline) : _root.Hash;
            }

            _rootHash = hash;
            return hash;
        }
    }

    /// <summary>Finds the value of <paramref name="key"/> without copying it.</summary>
    public bool TryGet(scoped ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        Span<byte> path = key.Length <= Nibbles.StackKeyLimit
            ? stackalloc byte[2 * Nibbles.StackKeyLimit]
            : new byte[2 * key.Length];
        path = path[..(2 * key.Length)];
        Nibbles.FromBytes(key, path);
        var found = Find(path);
        value = found;
        return found is not null;
    }

    /// <summary>A copy of the value of <paramref name="key"/>, or null when the trie does not have it.</summary>
    public byte[]? Get(ReadOnlySpan<byte> key) => TryGet(key, out var value) ? value.ToArray() : null;

    /// <summary>Inserts or updates <paramref name="key"/>; an empty value deletes it, as in Ethereum.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            Delete(key);
            return;
        }

        Span<byte> path = key.Length <= Nibbles.StackKeyLimit
            ? stackalloc byte[2 * Nibbles.StackKeyLimit]
            : new byte[2 * key.Length];
        path = path[..(2 * key.Length)];
        Nibbles.FromBytes(key, path);
        _root = Insert(_root, path, value.ToArray(), out var changed);
        if (changed)
        {
            _rootHash = null;
        }
    }

    /// <summary>Removes <paramref name="key"/>; returns false when it was not there.</summary>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        Span<byte> path = key.Length <= Nibbles.StackKeyLimit
            ? stackalloc byte[2 * Nibbles.StackKeyLimit]
            : new byte[2 * key.Length];
        path = path[..(2 * key.Length)];
        Nibbles.FromBytes(key, path);
        _root = Remove(_root, path, out var changed);
        if (changed)
        {
            _rootHash = null;
        }

        return changed;
    }

    /// <summary>Writes every node changed since the last commit to the store (nodes embedded in their parent
    /// travel inside it; the root is always written) and returns the root hash.</summary>
    public Hash256 Commit()
    {
        var rootHash = RootHash;
        if (_root is { IsDirty: true })
        {
            Persist(_root, isRoot: true);
        }

        return rootHash;
    }

    /// <summary>The RLP of the nodes on <paramref name="key"/>'s path, root first, as <c>eth_getProof</c>
    /// returns them: the root and every node referenced by hash (embedded nodes are inside their parent).
    /// It proves the value, or the absence, of the key; the trie need not be committed.</summary>
    public IReadOnlyList<byte[]> GetProof(ReadOnlySpan<byte> key)
    {
        var proof = new List<byte[]>();
        var node = ResolveRoot();
        if (node is null)
        {
            return proof;
        }

        EnsureReference(node);
        Span<byte> path = key.Length <= Nibbles.StackKeyLimit
            ? stackalloc byte[2 * Nibbles.StackKeyLimit]
            : new byte[2 * key.Length];
        path = path[..(2 * key.Length)];
        Nibbles.FromBytes(key, path);

        var position = 0;
        var isRoot = true;
        while (node is not null)
        {
            if (isRoot || !node.IsInline)
            {
                proof.Add(TrieNodeCodec.EncodeToArray(node));
            }

            isRoot = false;
            switch (node)
            {
                case ExtensionNode extension when path[position..].StartsWith(extension.Path):
                    position += extension.Path.Length;
                    node = ResolveChild(extension);
                    break;
                case BranchNode branch when position < path.Length:
                    node = ResolveChild(branch, path[position++]);
                    break;
                default:
                    node = null;
                    break;
            }
        }

        return proof;
    }

    /// <summary>
    /// Checks a proof from <see cref="GetProof"/> (or <c>eth_getProof</c>) against a root hash.
    /// </summary>
    /// <returns>The value of <paramref name="key"/>, or null when the proof shows the key is absent.</returns>
    /// <exception cref="InvalidTrieProofException">A node on the key's path is missing from the proof, or a
    /// node of the proof does not decode.</exception>
    public static byte[]? VerifyProof(in Hash256 rootHash, ReadOnlySpan<byte> key, IEnumerable<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (rootHash == EmptyRootHash)
        {
            // The empty trie has no nodes to show and no keys.
            return null;
        }

        // Proof nodes are found by their hash, exactly as a store holds them; a node whose bytes were
        // changed gets another hash, so its parent's reference no longer finds it.
        var nodes = new MemoryTrieNodeStore();
        foreach (var encodedNode in proof)
        {
            ArgumentNullException.ThrowIfNull(encodedNode, nameof(proof));
            nodes.Put(Keccak256.Compute(encodedNode), encodedNode);
        }

        try
        {
            return new PatriciaTrie(nodes, rootHash).Get(key);
        }
        catch (MissingTrieNodeException e)
        {
            var which = e.Hash == rootHash ? "the root node" : $"node {e.Hash}";
            throw new InvalidTrieProofException($"Invalid proof: {which} on the key's path is not in the proof.", e);
        }
        catch (InvalidTrieNodeException e)
        {
            throw new InvalidTrieProofException($"Invalid proof: {e.Message}", e);
        }
    }

    /// <summary>Every key and value (copies), in ascending byte order of the keys. The trie must not change
    /// during the enumeration.</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Enumerate()
    {
        var root = ResolveRoot();
        if (root is null)
        {
            yield break;
        }

        // Depth-first, children in nibble order, a branch's own value before its children: that is
        // ascending key order. One nibble buffer is shared: an entry's prefix below its depth is
        // never overwritten before it is popped, and it writes its incoming nibble itself.
        var pending = new Stack<(TrieNode Node, int Depth, int IncomingNibble)>();
        var path = new byte[64];
        pending.Push((root, 0, -1));
        while (pending.TryPop(out var entry))
        {
            var (node, depth, incomingNibble) = entry;
            if (incomingNibble >= 0)
            {
                path[depth - 1] = (byte)incomingNibble;
            }

            switch (node)
            {
                case LeafNode leaf:
                    EnsureCapacity(ref path, depth + leaf.Path.Length);
                    leaf.Path.CopyTo(path, depth);
                    yield return new(Nibbles.ToBytes(path.AsSpan(0, depth + leaf.Path.Length)), leaf.Value.ToArray());
                    break;
                case ExtensionNode extension:
                    EnsureCapacity(ref path, depth + extension.Path.Length);
                    extension.Path.CopyTo(path, depth);
                    pending.Push((ResolveChild(extension), depth + extension.Path.Length, -1));
                    break;
                case BranchNode branch:
                    if (branch.Value is { } value)
                    {
                        yield return new(Nibbles.ToBytes(path.AsSpan(0, depth)), value.ToArray());
                    }

                    EnsureCapacity(ref path, depth + 1);
                    for (var nibble = BranchNode.Width - 1; nibble >= 0; nibble--)
                    {
                        if (ResolveChild(branch, nibble) is { } child)
                        {
                            pending.Push((child, depth + 1, nibble));
                        }
                    }

                    break;
            }
        }
    }

    private static void EnsureCapacity(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            Array.Resize(ref buffer, Math.Max(length, buffer.Length * 2));
        }
    }

    private byte[]? Find(ReadOnlySpan<byte> path)
    {
        var node = ResolveRoot();
        var position = 0;
        while (true)
        {
            switch (node)
            {
                case null:
                    return null;
                case LeafNode leaf:
                    return path[position..].SequenceEqual(leaf.Path) ? leaf.Value : null;
                case ExtensionNode extension:
                    if (!path[position..].StartsWith(extension.Path))
                    {
                        return null;
                    }

                    position += extension.Path.Length;
                    node = ResolveChild(extension);
                    break;
                case BranchNode branch:
                    if (position == path.Length)
                    {
                        return branch.Value;
                    }

                    node = ResolveChild(branch, path[position++]);
                    break;
                default:
                    throw new InvalidOperationException("Unresolved hash reference on a lookup path.");
            }
        }
    }

    /// <summary>Inserts below <paramref name="node"/> and returns what replaces it in its parent (the node itself
    /// when it was changed in place or only loaded from the store).</summary>
    private TrieNode Insert(TrieNode? node, ReadOnlySpan<byte> path, byte[] value, out bool changed)
    {
        switch (node)
        {
            case null:
                changed = true;
                return new LeafNode(path.ToArray(), value);

            case HashReferenceNode reference:
                return Insert(Load(reference.Hash), path, value, out changed);

            case LeafNode leaf:
                {
                    var common = path.CommonPrefixLength(leaf.Path);
                    if (common == path.Length && common == leaf.Path.Length)
                    {
                        changed = !leaf.Value.AsSpan().SequenceEqual(value);
                        if (changed)
                        {
                            leaf.Value = value;
                            leaf.MarkDirty();
                        }

                        return leaf;
                    }

                    // The keys part at nibble `common`: a branch there holds both.
                    var branch = new BranchNode();
                    PlaceInBranch(branch, leaf.Path.AsSpan(common), leaf.Value);
                    PlaceInBranch(branch, path[common..], value);
                    changed = true;
                    return common == 0 ? branch : new ExtensionNode(path[..common].ToArray(), branch);
                }

            case ExtensionNode extension:
                {
                    var common = path.CommonPrefixLength(extension.Path);
                    if (common == extension.Path.Length)
                    {
                        extension.Child = Insert(extension.Child, path[common..], value, out changed);
                        if (changed)
                        {
                            extension.MarkDirty();
                        }

                        return extension;
                    }

                    // The new key leaves the extension's path part-way: split it around a branch.
                    var branch = new BranchNode();
                    var rest = extension.Path.AsSpan(common);
                    branch.Children[rest[0]] = rest.Length == 1 ? extension.Child : new ExtensionNode(rest[1..].ToArray(), extension.Child);
                    PlaceInBranch(branch, path[common..], value);
                    changed = true;
                    return common == 0 ? branch : new ExtensionNode(path[..common].ToArray(), branch);
                }

            case BranchNode branch:
                {
                    if (path.IsEmpty)
                    {
                        changed = branch.Value is null || !branch.Value.AsSpan().SequenceEqual(value);
                        if (changed)
                        {
                            branch.Value = value;
                            branch.MarkDirty();
                        }

                        return branch;
                    }

                    var nibble = path[0];
                    branch.Children[nibble] = Insert(branch.Children[nibble], path[1..], value, out changed);
                    if (changed)
                    {
                        branch.MarkDirty();
                    }

                    return branch;
                }

            default:
                throw new InvalidOperationException($"Unknown trie node type {node.GetType().Name}.");
        }
    }

    private static void PlaceInBranch(BranchNode branch, ReadOnlySpan<byte> path, byte[] value)
    {
        if (path.IsEmpty)
        {
            branch.Value = value;
        }
        else
        {
            branch.Children[path[0]] = new LeafNode(path[1..].ToArray(), value);
        }
    }

    /// <summary>Deletes below <paramref name="node"/> and returns what replaces it in its parent, collapsing
    /// nodes so that the trie stays in its one canonical shape.</summary>
    private TrieNode? Remove(TrieNode? node, ReadOnlySpan<byte> path, out bool changed)
    {
        switch (node)
        {
            case null:
                changed = false;
                return null;

            case HashReferenceNode reference:
                return Remove(Load(reference.Hash), path, out changed);

            case LeafNode leaf:
                changed = path.SequenceEqual(leaf.Path);
                return changed ? null : leaf;

            case ExtensionNode extension:
                {
                    if (!path.StartsWith(extension.Path))
                    {
                        changed = false;
                        return extension;
                    }

                    var child = Remove(extension.Child, path[extension.Path.Length..], out changed);
                    if (!changed)
                    {
                        extension.Child = child!;
                        return extension;
                    }

                    // The branch below may have collapsed into a leaf or an extension: join the paths.
                    switch (child)
                    {
                        case null:
                            return null;
                        case LeafNode leafChild:
                            return new LeafNode(Nibbles.Concat(extension.Path, leafChild.Path), leafChild.Value);
                        case ExtensionNode extensionChild:
                            return new ExtensionNode(Nibbles.Concat(extension.Path, extensionChild.Path), extensionChild.Child);
                        default:
                            extension.Child = child;
                            extension.MarkDirty();
                            return extension;
                    }
                }

            case BranchNode branch:
                {
                    if (path.IsEmpty)
                    {
                        changed = branch.Value is not null;
                        if (!changed)
                        {
                            return branch;
                        }

                        branch.Value = null;
                    }
                    else
                    {
                        var nibble = path[0];
                        branch.Children[nibble] = Remove(branch.Children[nibble], path[1..], out changed);
                        if (!changed)
                        {
                            return branch;
                        }
                    }

                    branch.MarkDirty();
                    return Collapse(branch);
                }

            default:
                throw new InvalidOperationException($"Unknown trie node type {node.GetType().Name}.");
        }
    }

    /// <summary>A branch left with one entry is not canonical: it becomes a leaf (only its value left) or
    /// is merged with its only child.</summary>
    private TrieNode? Collapse(BranchNode branch)
    {
        var entries = branch.Value is null ? 0 : 1;
        var onlyChild = -1;
        for (var nibble = 0; nibble < BranchNode.Width && entries < 2; nibble++)
        {
            if (branch.Children[nibble] is not null)
            {
                entries++;
                onlyChild = nibble;
            }
        }

        if (entries >= 2)
        {
            return branch;
        }

        if (entries == 0)
        {
            return null;
        }

        if (branch.Value is { } value)
        {
            return new LeafNode([], value);
        }

        var nibbleByte = (byte)onlyChild;
        return ResolveChild(branch, onlyChild) switch
        {
            LeafNode leaf => new LeafNode(Nibbles.Prepend(nibbleByte, leaf.Path), leaf.Value),
            ExtensionNode extension => new ExtensionNode(Nibbles.Prepend(nibbleByte, extension.Path), extension.Child),
            { } child => new ExtensionNode([nibbleByte], child),
            null => null,
        };
    }

    private TrieNode? ResolveRoot()
    {
        if (_root is HashReferenceNode reference)
        {
            _root = Load(reference.Hash);
        }

        return _root;
    }

    private TrieNode ResolveChild(ExtensionNode extension)
    {
        if (extension.Child is HashReferenceNode reference)
        {
            extension.Child = Load(reference.Hash);
        }

        return extension.Child;
    }

    private TrieNode? ResolveChild(BranchNode branch, int nibble)
    {
        var child = branch.Children[nibble];
        if (child is HashReferenceNode reference)
        {
            child = Load(reference.Hash);
            branch.Children[nibble] = child;
        }

        return child;
    }

    private TrieNode Load(in Hash256 hash)
    {
        if (!_store.TryGet(hash, out var encoded))
        {
            throw new MissingTrieNodeException(hash);
        }

        var node = TrieNodeCodec.Decode(encoded);

        // Only a root is stored with fewer than 32 bytes; should it become a child later, it is embedded.
        if (encoded.Length <= TrieNodeCodec.MaxInlineLength)
        {
            node.SetInlineReference(encoded);
        }
        else
        {
            node.SetHashReference(hash);
        }

        return node;
    }

    /// <summary>Computes the references of a node and of its descendants that lack one (the changed ones).</summary>
    private static void EnsureReference(TrieNode node)
    {
        if (node.HasReference)
        {
            return;
        }

        switch (node)
        {
            case ExtensionNode extension:
                EnsureReference(extension.Child);
                break;
            case BranchNode branch:
                foreach (var child in branch.Children)
                {
                    if (child is not null)
                    {
                        EnsureReference(child);
                    }
                }

                break;
        }

        ComputeReference(node);
    }

    [SkipLocalsInit]
    private static void ComputeReference(TrieNode node)
    {
        var length = TrieNodeCodec.EncodedLength(node);
        if (length <= TrieNodeCodec.MaxInlineLength)
        {
            var encoded = new byte[length];
            TrieNodeCodec.Encode(node, encoded);
            node.SetInlineReference(encoded);
            return;
        }

        byte[]? rented = null;
        Span<byte> buffer = length <= StackEncodingLimit
            ? stackalloc byte[StackEncodingLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = TrieNodeCodec.Encode(node, buffer);
        node.SetHashReference(Keccak256.Compute(buffer[..written]));
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes a dirty node and its dirty descendants; references are already computed.</summary>
    private void Persist(TrieNode node, bool isRoot)
    {
        switch (node)
        {
            case ExtensionNode { Child.IsDirty: true } extension:
                Persist(extension.Child, isRoot: false);
                break;
            case BranchNode branch:
                foreach (var child in branch.Children)
                {
                    if (child is { IsDirty: true })
                    {
                        Persist(child, isRoot: false);
                    }
                }

                break;
        }

        if (node.InlineEncoding is { } inline)
        {
            // An embedded node travels inside its parent; only a small root is stored on its own.
            if (isRoot)
            {
                _store.Put(Keccak256.Compute(inline), inline);
            }
        }
        else
        {
            WriteToStore(node);
        }

        node.MarkClean();
    }

    [SkipLocalsInit]
    private void WriteToStore(TrieNode node)
    {
        var length = TrieNodeCodec.EncodedLength(node);
        byte[]? rented = null;
        Span<byte> buffer = length <= StackEncodingLimit
            ? stackalloc byte[StackEncodingLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = TrieNodeCodec.Encode(node, buffer);
        _store.Put(node.Hash, buffer[..written]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
