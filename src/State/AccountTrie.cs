using Hyperion.Core;
using Hyperion.Core.Rlp;

namespace Hyperion.State;

/// <summary>
/// The state trie: key keccak(address), value rlp(<see cref="StateAccount"/>). Empty accounts are stored
/// like any other; removing them (EIP-161) is the EVM's decision.
/// </summary>
public sealed class AccountTrie
{
    private readonly SecureTrie _trie;

    /// <summary>An empty state over a fresh <see cref="MemoryTrieNodeStore"/>.</summary>
    public AccountTrie()
    {
        _trie = new SecureTrie();
    }

    /// <summary>The state whose root is <paramref name="stateRoot"/> in <paramref name="store"/>.</summary>
    public AccountTrie(ITrieNodeStore store, Hash256 stateRoot)
    {
        _trie = new SecureTrie(store, stateRoot);
    }

    public Hash256 RootHash => _trie.RootHash;

    public SecureTrie Trie => _trie;

    public StateAccount? Get(in Address address) =>
        _trie.TryGet(address.Bytes, out var encoded) ? StateAccount.Decode(encoded) : null;

    public void Set(in Address address, in StateAccount account) => _trie.Set(address.Bytes, account.Encode());

    public bool Delete(in Address address) => _trie.Delete(address.Bytes);

    /// <inheritdoc cref="PatriciaTrie.Commit"/>
    public Hash256 Commit() => _trie.Commit();

    public IReadOnlyList<byte[]> GetProof(in Address address) => _trie.GetProof(address.Bytes);

    /// <summary>Checks an account proof: the account, or null when the proof shows there is none.</summary>
    /// <exception cref="InvalidTrieProofException">The proof proves nothing.</exception>
    public static StateAccount? VerifyProof(in Hash256 stateRoot, in Address address, IEnumerable<byte[]> proof)
    {
        var encoded = SecureTrie.VerifyProof(stateRoot, address.Bytes, proof);
        if (encoded is null)
        {
            return null;
        }

        try
        {
            return StateAccount.Decode(encoded);
        }
        catch (RlpException e)
        {
            throw new InvalidTrieProofException($"Invalid proof: the value is not an account: {e.Message}", e);
        }
    }
}
