using System.Diagnostics.CodeAnalysis;
using Hyperion.Core;

namespace Hyperion.State;

/// <summary>
/// Where trie nodes live between uses: the RLP of each node that its parent references by hash (and the
/// root, whatever its size), keyed by the keccak of that RLP. Nodes are immutable once written, so a
/// store never needs to overwrite one; many tries (every storage trie, every version of the state) can
/// share one store.
/// </summary>
public interface ITrieNodeStore
{
    /// <summary>Finds the RLP of the node whose keccak is <paramref name="hash"/>.</summary>
    bool TryGet(in Hash256 hash, [NotNullWhen(true)] out byte[]? encodedNode);

    /// <summary>Keeps <paramref name="encodedNode"/> under <paramref name="hash"/>, which is its keccak.</summary>
    void Put(in Hash256 hash, ReadOnlySpan<byte> encodedNode);
}
