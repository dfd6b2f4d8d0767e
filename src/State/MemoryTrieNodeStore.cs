using System.Diagnostics.CodeAnalysis;
using Hyperion.Core;

namespace Hyperion.State;

/// <summary>An <see cref="ITrieNodeStore"/> in a dictionary: for tests, proofs and tries that are thrown away.
/// Not thread-safe.</summary>
public sealed class MemoryTrieNodeStore : ITrieNodeStore
{
    private readonly Dictionary<Hash256, byte[]> _nodes = [];

    /// <summary>How many nodes are stored.</summary>
    public int Count => _nodes.Count;

    public bool TryGet(in Hash256 hash, [NotNullWhen(true)] out byte[]? encodedNode) =>
        _nodes.TryGetValue(hash, out encodedNode);

    public void Put(in Hash256 hash, ReadOnlySpan<byte> encodedNode)
    {
        // A node's hash names its content, so a node already stored is the same bytes: keep the first copy.
        _nodes.TryAdd(hash, encodedNode.ToArray());
    }

    /// <summary>Removes a node, so that tests can check what a missing node does.</summary>
    public bool Remove(in Hash256 hash) => _nodes.Remove(hash);
}
