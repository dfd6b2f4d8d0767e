using Hyperion.Core;
using Hyperion.Core.Rlp;
using Hyperion.State;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The root of a list as block headers commit to it (transactions, receipts, withdrawals): a Patricia trie whose
/// key for item i is rlp(i) (not hashed), whose value is the item's encoding.
/// </summary>
public static class OrderedTrie
{
    public static Hash256 ComputeRoot<T>(IReadOnlyList<T> items, Func<T, byte[]> encode)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(encode);
        var trie = new PatriciaTrie();
        var key = new RlpWriter(9);
        for (var index = 0; index < items.Count; index++)
        {
            key.Clear();
            key.WriteUInt64((ulong)index);
            trie.Set(key.WrittenSpan, encode(items[index]));
        }

        return trie.RootHash;
    }
}
