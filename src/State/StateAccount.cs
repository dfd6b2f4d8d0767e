using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Rlp;

namespace Hyperion.State;

/// <summary>
/// An account as the account trie stores it: rlp([nonce, balance, storageRoot, codeHash]).
/// </summary>
public readonly record struct StateAccount(ulong Nonce, UInt256 Balance, Hash256 StorageRoot, Hash256 CodeHash)
{
    /// <summary>The root of an empty trie, the storage root of an account with no storage.</summary>
    public static readonly Hash256 EmptyTrieRoot = PatriciaTrie.EmptyRootHash;

    /// <summary>keccak of empty code, the code hash of an account without code.</summary>
    public static readonly Hash256 EmptyCodeHash = Keccak256.OfEmpty;

    /// <summary>No nonce, no balance, no storage, no code.</summary>
    public static StateAccount Empty => new(0, UInt256.Zero, EmptyTrieRoot, EmptyCodeHash);

    /// <summary>Empty as EIP-161 means it (nonce 0, balance 0, no code); storage does not count.</summary>
    public bool IsEmpty => Nonce == 0 && Balance.IsZero && CodeHash == EmptyCodeHash;

    public bool HasCode => CodeHash != EmptyCodeHash;

    public byte[] Encode() =>
        new RlpWriter(80)
            .StartList()
            .WriteUInt64(Nonce)
            .WriteUInt256(Balance)
            .WriteHash(StorageRoot)
            .WriteHash(CodeHash)
            .EndList()
            .ToArray();

    /// <summary>Decodes the strict RLP of an account; throws <see cref="RlpException"/> otherwise.</summary>
    public static StateAccount Decode(ReadOnlySpan<byte> encoded)
    {
        var outer = new RlpReader(encoded);
        var fields = outer.ReadList();
        outer.EnsureEnd();
        var account = new StateAccount(fields.ReadUInt64(), fields.ReadUInt256(), fields.ReadHash(), fields.ReadHash());
        if (!fields.IsEnd)
        {
            throw new RlpException($"RLP: an account has 4 fields; more follow at offset {fields.Offset}.");
        }

        return account;
    }
}
