using Hyperion.Core;
using Hyperion.Core.Rlp;

namespace Hyperion.State.Tests;

public sealed class StateTests
{
    // An account from ethereum/tests hex_encoded_securetrie_test.json: nonce 1, balance 0x05f446a7, no storage, no code.
    private const string EncodedAccount =
        "0xf848018405f446a7a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421a0c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";

    [Fact]
    public void An_account_decodes_and_encodes_back_to_the_same_bytes()
    {
        var account = StateAccount.Decode(Hex.Decode(EncodedAccount));
        Assert.Equal(new StateAccount(1, 0x05f446a7UL, StateAccount.EmptyTrieRoot, StateAccount.EmptyCodeHash), account);
        Assert.Equal(EncodedAccount, Hex.Encode(account.Encode()));
        Assert.False(account.IsEmpty);
        Assert.True(StateAccount.Empty.IsEmpty);
    }

    [Theory]
    [InlineData("0xc0")]
    [InlineData("0xc4800180a0")]
    [InlineData("0xf84a018405f446a7a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421a0c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a4708080")]
    public void Malformed_accounts_are_rejected(string hex)
    {
        Assert.ThrowsAny<RlpException>(() => StateAccount.Decode(Hex.Decode(hex)));
    }

    [Theory]
    [InlineData("0x1", "0x01")]
    [InlineData("0x7f", "0x7f")]
    [InlineData("0x80", "0x8180")]
    [InlineData("0x0100", "0x820100")]
    [InlineData("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "0xa0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    public void Storage_values_are_rlp_of_trimmed_big_endian_bytes(string value, string encoded)
    {
        Span<byte> buffer = stackalloc byte[33];
        Assert.Equal(encoded, Hex.Encode(StorageTrie.EncodeValue(UInt256.Parse(value), buffer)));
        Assert.Equal(UInt256.Parse(value), StorageTrie.DecodeValue(Hex.Decode(encoded)));
    }

    [Fact]
    public void Zero_storage_values_are_absent()
    {
        var storage = new StorageTrie();
        storage.Set(1, 5);
        var withOne = storage.RootHash;
        storage.Set(2, 7);
        storage.Set(2, UInt256.Zero);
        Assert.Equal(withOne, storage.RootHash);
        Assert.Equal(UInt256.Zero, storage.Get(2));
        Assert.Equal((UInt256)5, storage.Get(1));
        storage.Set(1, UInt256.Zero);
        Assert.Equal(StateAccount.EmptyTrieRoot, storage.RootHash);
        Assert.Equal(StateAccount.EmptyTrieRoot, StateRootCalculator.ComputeStorageRoot([KeyValuePair.Create((UInt256)3, UInt256.Zero)]));
    }

    [Fact]
    public void Account_and_storage_proofs_verify()
    {
        var store = new MemoryTrieNodeStore();
        var storage = new StorageTrie(store, StateAccount.EmptyTrieRoot);
        for (ulong slot = 0; slot < 50; slot++)
        {
            storage.Set(slot, slot * 1000);
        }

        var storageRoot = storage.Commit();
        var accounts = new AccountTrie(store, StateAccount.EmptyTrieRoot);
        var contract = new Address(Enumerable.Repeat((byte)0x42, 20).ToArray());
        var account = new StateAccount(3, 1_000_000UL, storageRoot, StateAccount.EmptyCodeHash);
        accounts.Set(contract, account);
        for (byte i = 0; i < 30; i++)
        {
            accounts.Set(new Address(Enumerable.Repeat(i, 20).ToArray()), StateAccount.Empty with { Nonce = i });
        }

        var stateRoot = accounts.Commit();
        var reopened = new AccountTrie(store, stateRoot);
        Assert.Equal(account, reopened.Get(contract));
        Assert.Equal(account, AccountTrie.VerifyProof(stateRoot, contract, reopened.GetProof(contract)));

        var absent = new Address(Enumerable.Repeat((byte)0xee, 20).ToArray());
        Assert.Null(reopened.Get(absent));
        Assert.Null(AccountTrie.VerifyProof(stateRoot, absent, reopened.GetProof(absent)));

        var reopenedStorage = new StorageTrie(store, reopened.Get(contract)!.Value.StorageRoot);
        Assert.Equal((UInt256)7000, StorageTrie.VerifyProof(storageRoot, 7, reopenedStorage.GetProof(7)));
        Assert.Equal(UInt256.Zero, StorageTrie.VerifyProof(storageRoot, 5000, reopenedStorage.GetProof(5000)));
    }

    [Fact]
    public void The_state_root_keeps_empty_accounts()
    {
        var someone = new Address(Enumerable.Repeat((byte)1, 20).ToArray());
        var rootWithEmptyAccount = StateRootCalculator.ComputeStateRoot([KeyValuePair.Create(someone, new PlainAccount())]);
        Assert.NotEqual(StateAccount.EmptyTrieRoot, rootWithEmptyAccount);

        var trie = new AccountTrie();
        trie.Set(someone, StateAccount.Empty);
        Assert.Equal(rootWithEmptyAccount, trie.RootHash);
    }
}
