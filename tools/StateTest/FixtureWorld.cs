using System.Globalization;
using System.Text;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Evm;
using Hyperion.State;

namespace Hyperion.StateTest;

/// <summary>An account of a fixture's <c>pre</c> section.</summary>
internal sealed class FixtureAccount
{
    private StateAccount? _trieForm;

    public required ulong Nonce { get; init; }

    public required UInt256 Balance { get; init; }

    public required byte[] Code { get; init; }

    public required Dictionary<UInt256, UInt256> Storage { get; init; }

    public Hash256 CodeHash => StateRootCalculator.ComputeCodeHash(Code);

    public bool HasStorage => Storage.Values.Any(value => !value.IsZero);

    /// <summary>The account as the trie holds it, computed once per test.</summary>
    public StateAccount TrieForm => _trieForm ??= new StateAccount(Nonce, Balance, StateRootCalculator.ComputeStorageRoot(Storage), CodeHash);
}

/// <summary>
/// A fixture's pre-state as the EVM's <see cref="IStateReader"/>, and the state root after a transaction's
/// write set. Block hashes are keccak of the block number's decimal digits, as the fixtures were filled.
/// Read-only once built, so the cases of one test share it.
/// </summary>
internal sealed class FixtureWorld : IStateReader
{
    private readonly Dictionary<Address, FixtureAccount> _accounts;
    private readonly Dictionary<Hash256, byte[]> _codeByHash = [];
    private readonly Dictionary<Address, AccountInfo> _infos = [];
    private Hash256? _preStateRoot;

    public FixtureWorld(Dictionary<Address, FixtureAccount> accounts)
    {
        _accounts = accounts;
        foreach (var (address, account) in accounts)
        {
            var codeHash = account.CodeHash;
            _codeByHash[codeHash] = account.Code;
            _infos[address] = new AccountInfo(account.Nonce, account.Balance, codeHash, account.HasStorage);
        }
    }

    public Hash256 PreStateRoot => _preStateRoot ??= ComputeRoot(TransactionWriteSet.Empty);

    public bool TryGetAccount(in Address address, out AccountInfo account) => _infos.TryGetValue(address, out account);

    public byte[] GetCode(in Hash256 codeHash) => _codeByHash.TryGetValue(codeHash, out var code) ? code : [];

    public UInt256 GetStorage(in Address address, in UInt256 slot) =>
        _accounts.TryGetValue(address, out var account) && account.Storage.TryGetValue(slot, out var value) ? value : UInt256.Zero;

    public Hash256 GetBlockHash(ulong number) =>
        Keccak256.Compute(Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The state root of the pre-state with <paramref name="writes"/> applied.</summary>
    public Hash256 ComputeRoot(TransactionWriteSet writes)
    {
        var written = new Dictionary<Address, AccountWrite>();
        foreach (var write in writes.Accounts)
        {
            written[write.Address] = write;
        }

        var slotsByAccount = new Dictionary<Address, List<StorageWrite>>();
        foreach (var write in writes.Storage)
        {
            if (!slotsByAccount.TryGetValue(write.Address, out var slots))
            {
                slotsByAccount[write.Address] = slots = [];
            }

            slots.Add(write);
        }

        var trie = new AccountTrie();
        foreach (var (address, account) in _accounts)
        {
            if (!written.ContainsKey(address) && !slotsByAccount.ContainsKey(address))
            {
                trie.Set(address, account.TrieForm);
            }
        }

        // Accounts whose fields or storage changed: fields from the write (or the pre-state), storage merged.
        foreach (var address in written.Keys.Union(slotsByAccount.Keys))
        {
            _accounts.TryGetValue(address, out var before);
            var hasWrite = written.TryGetValue(address, out var write);
            if (hasWrite && write.Deleted)
            {
                continue;
            }

            if (!hasWrite && before is null)
            {
                throw new InvalidOperationException($"Storage of {address} was written, but the account neither existed nor was written.");
            }

            var storage = new Dictionary<UInt256, UInt256>();
            if (before is not null && !(hasWrite && write.StorageCleared))
            {
                foreach (var (slot, value) in before.Storage)
                {
                    storage[slot] = value;
                }
            }

            if (slotsByAccount.TryGetValue(address, out var slots))
            {
                foreach (var slot in slots)
                {
                    storage[slot.Slot] = slot.Value;
                }
            }

            var storageRoot = StateRootCalculator.ComputeStorageRoot(storage.Where(pair => !pair.Value.IsZero));
            trie.Set(address, hasWrite
                ? new StateAccount(write.Nonce, write.Balance, storageRoot, write.CodeHash)
                : new StateAccount(before!.Nonce, before.Balance, storageRoot, before.CodeHash));
        }

        return trie.RootHash;
    }
}
