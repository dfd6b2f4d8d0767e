using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The whole state at one point (before or after a block), in memory and immutable: safe to read from any number
/// of threads at once, which is what Block-STM's pre-state reader and calls against the head need.
/// </summary>
/// <remarks>
/// <para>
/// A block's cost follows what it touches, not the size of the state. The accounts, each account's slots and the code
/// are persistent maps (<see cref="PersistentDictionary{TKey, TValue}"/>), and the account trie and each storage trie are
/// persistent tries (<see cref="PersistentTrie"/>): <see cref="Apply"/> copies the paths of the changed accounts and
/// slots and shares everything else with this snapshot, and the new <see cref="StateRoot"/> updates this snapshot's
/// account trie at the changed accounts, whose storage tries are in turn updated at the changed slots only.
/// </para>
/// <para>
/// Why persistent structures rather than geth's layers (a diff per block over a mutable base, flattened into it when
/// no reader can still hold the older layers): every snapshot stays a complete, immutable state, so there is no reader
/// tracking, no flattening that must wait for readers, and no special case for the two states that do exist side by
/// side: a block built and abandoned next to the one committed, a call reading the head while the next block is
/// built, a fork in the conformance tests. Reads cost a few pointer hops more than a dictionary lookup, never a walk
/// down a chain of layers. Old versions need no pruning: what no snapshot references any more the garbage collector
/// frees.
/// </para>
/// <para>
/// A snapshot can drop the storage and code of contracts nobody used for a while (<see cref="Evict"/>): their fields
/// and storage roots stay in the account trie, so the root is unchanged, and they are loaded back through an
/// <see cref="IContractLoader"/> when a block or a call reads them, or ahead of need (<see cref="Install"/>).
/// </para>
/// <para>
/// Determinism: the root is computed from the accounts as they are, only the work is incremental, and a trie's root
/// depends on its contents alone; the tests compare it with a root built from scratch after every step.
/// </para>
/// </remarks>
public sealed class StateSnapshot : IStateReader
{
    private readonly PersistentDictionary<Address, SnapshotAccount> _accounts;
    private readonly PersistentDictionary<Hash256, byte[]> _code;

    // Code that was evicted with a contract, by hash: that contract's loader brings it back.
    private readonly PersistentDictionary<Hash256, EvictedContract> _evictedCode;
    private readonly Lock _rootGate = new();
    private PersistentTrie? _accountTrie;

    // The parent's account trie (already built) and the accounts that differ: what this trie is updated at. Dropped
    // once this trie is built, so that old tries are not kept alive by newer snapshots.
    private PendingTrieUpdate? _pending;

    private StateSnapshot(
        PersistentDictionary<Address, SnapshotAccount> accounts,
        PersistentDictionary<Hash256, byte[]> code,
        PersistentDictionary<Hash256, EvictedContract> evictedCode,
        PersistentTrie? accountTrie,
        PendingTrieUpdate? pending)
    {
        _accounts = accounts;
        _code = code;
        _evictedCode = evictedCode;
        _accountTrie = accountTrie;
        _pending = pending;
    }

    public static StateSnapshot Empty { get; } = new(
        PersistentDictionary<Address, SnapshotAccount>.Empty,
        PersistentDictionary<Hash256, byte[]>.Empty,
        PersistentDictionary<Hash256, EvictedContract>.Empty,
        PersistentTrie.Empty,
        null);

    public int AccountCount => _accounts.Count;

    /// <summary>Every account, in no particular order.</summary>
    public IEnumerable<KeyValuePair<Address, SnapshotAccount>> Accounts => _accounts;

    /// <summary>The state root: the account trie over every account, each with its storage root.</summary>
    public Hash256 StateRoot => AccountTrie.RootHash;

    /// <summary>The account trie, built or updated from the parent's on first use, and kept.</summary>
    private PersistentTrie AccountTrie
    {
        get
        {
            if (Volatile.Read(ref _accountTrie) is { } built)
            {
                return built;
            }

            lock (_rootGate)
            {
                if (_accountTrie is { } builtMeanwhile)
                {
                    return builtMeanwhile;
                }

                var trie = _pending is { } pending ? UpdateTrie(pending) : BuildTrie();
                Volatile.Write(ref _accountTrie, trie);
                _pending = null;
                return trie;
            }
        }
    }

    /// <summary>A snapshot of exactly these accounts (a genesis allocation, a test's pre-state); zero slots are dropped.</summary>
    public static StateSnapshot FromAccounts(IEnumerable<KeyValuePair<Address, PlainAccount>> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var snapshotAccounts = new List<KeyValuePair<Address, SnapshotAccount>>();
        var code = new List<KeyValuePair<Hash256, byte[]>>();
        foreach (var (address, account) in accounts)
        {
            var codeHash = StateRootCalculator.ComputeCodeHash(account.Code.Span);
            if (!account.Code.IsEmpty)
            {
                code.Add(new(codeHash, account.Code.ToArray()));
            }

            snapshotAccounts.Add(new(address, new SnapshotAccount(account.Nonce, account.Balance, codeHash, account.Storage)));
        }

        return new StateSnapshot(
            PersistentDictionary<Address, SnapshotAccount>.Create(snapshotAccounts),
            PersistentDictionary<Hash256, byte[]>.Create(code),
            PersistentDictionary<Hash256, EvictedContract>.Empty,
            null,
            null);
    }

    public bool TryGetAccount(in Address address, out SnapshotAccount account) => _accounts.TryGetValue(address, out account!);

    public bool TryGetAccount(in Address address, out AccountInfo account)
    {
        if (_accounts.TryGetValue(address, out var found))
        {
            account = found.ToAccountInfo();
            return true;
        }

        account = default;
        return false;
    }

    /// <summary>The code of that hash; evicted code is loaded back (this blocks on the loader).</summary>
    public byte[] GetCode(in Hash256 codeHash) =>
        _code.TryGetValue(codeHash, out var code) ? code
        : _evictedCode.TryGetValue(codeHash, out var evicted) ? evicted.Code
        : [];

    public UInt256 GetStorage(in Address address, in UInt256 slot) =>
        _accounts.TryGetValue(address, out var account) && account.StorageState.Slots.TryGetValue(slot, out var value) ? value : UInt256.Zero;

    /// <summary>A snapshot knows no block hashes; the block being executed supplies them.</summary>
    public Hash256 GetBlockHash(ulong number) => Hash256.Zero;

    /// <summary>
    /// The snapshot after <paramref name="changes"/>; this one is unchanged. Costs the changed accounts and slots;
    /// the changes are read now, not kept.
    /// </summary>
    public StateSnapshot Apply(StateChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var accounts = _accounts;
        var changed = new Address[changes.Accounts.Count];
        var count = 0;
        foreach (var (address, change) in changes.Accounts)
        {
            changed[count++] = address;
            if (change.Deleted)
            {
                accounts = accounts.Remove(address);
                continue;
            }

            _accounts.TryGetValue(address, out var before);
            accounts = accounts.SetItem(
                address,
                before is not null && !change.StorageCleared && change.Storage.Count == 0
                    ? before.WithFields(change.Nonce, change.Balance, change.CodeHash)
                    : SnapshotAccount.After(before, change));
        }

        var code = _code;
        var evictedCode = _evictedCode;
        foreach (var (hash, bytes) in changes.Code)
        {
            code = code.SetItem(hash, bytes);
            evictedCode = evictedCode.Remove(hash);
        }

        // Updating a trie that is not built yet would build it first: leave the new snapshot to build its own when
        // asked (once; its children then update it).
        var pending = Volatile.Read(ref _accountTrie) is { } trie ? new PendingTrieUpdate(trie, changed) : null;
        return new StateSnapshot(accounts, code, evictedCode, null, pending);
    }

    /// <summary>
    /// The same state without the storage and code of <paramref name="contracts"/> in memory (the code only where
    /// <c>DropCode</c> says so: other contracts may still use it). Their fields and storage roots stay, so the root
    /// is this one's; <paramref name="loader"/> brings them back when they are read. Accounts without storage or code,
    /// absent ones and ones already evicted are left as they are. Costs the evicted accounts, not the state.
    /// </summary>
    public StateSnapshot Evict(IEnumerable<(Address Address, bool DropCode)> contracts, IContractLoader loader)
    {
        ArgumentNullException.ThrowIfNull(contracts);
        ArgumentNullException.ThrowIfNull(loader);
        var accountTrie = AccountTrie;
        var accounts = _accounts;
        var code = _code;
        var evictedCode = _evictedCode;
        foreach (var (address, dropCode) in contracts)
        {
            if (!_accounts.TryGetValue(address, out var account) || !account.IsResident || !(account.HasStorage || account.HasCode))
            {
                continue;
            }

            var evicted = new EvictedContract(address, account.StorageRoot, account.CodeHash, loader);
            accounts = accounts.SetItem(address, account.WithEvicted(evicted));
            if (dropCode && account.HasCode)
            {
                // Also when the code was evicted before and loaded back through another contract: this one brings
                // it back from now on, and the other's loaded contents can go.
                code = code.Remove(account.CodeHash);
                evictedCode = evictedCode.SetItem(account.CodeHash, evicted);
            }
        }

        return new StateSnapshot(accounts, code, evictedCode, accountTrie, null);
    }

    /// <summary>Of these addresses, the contracts whose storage and code are evicted and not loaded back yet.</summary>
    public IReadOnlyList<Address> ColdAmong(IEnumerable<Address> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var cold = new List<Address>();
        foreach (var address in addresses)
        {
            if (_accounts.TryGetValue(address, out var account) && !account.IsResident && !cold.Contains(address))
            {
                cold.Add(address);
            }
        }

        return cold;
    }

    /// <summary>
    /// Every contract whose storage or code is evicted and not loaded back: what a whole-state copy
    /// (<see cref="Export"/>) needs fetched first.
    /// </summary>
    public IReadOnlyList<Address> ColdContracts()
    {
        var cold = new HashSet<Address>();
        foreach (var (address, account) in _accounts)
        {
            if (!account.IsResident)
            {
                cold.Add(address);
            }
        }

        foreach (var (_, evicted) in _evictedCode)
        {
            if (!evicted.IsLoaded)
            {
                cold.Add(evicted.Address);
            }
        }

        return [.. cold];
    }

    /// <summary>Keeps a contract fetched ahead of need (checked against its roots); false when it was not evicted or
    /// already loaded.</summary>
    /// <exception cref="ColdContractMismatchException">The contents do not match the state's roots.</exception>
    public bool Install(in Address address, ColdContract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        return _accounts.TryGetValue(address, out var account) && account.Evicted is { IsLoaded: false } evicted && evicted.Install(contract);
    }

    /// <summary>
    /// Every account with its storage and code, for a whole-state copy (a checkpoint): an evicted contract's are taken
    /// from <paramref name="cold"/> (fetched for <see cref="ColdContracts"/>, checked here against the roots) and not
    /// kept, so the copy neither loads nor makes anything resident again.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A cold contract is missing from <paramref name="cold"/>.</exception>
    public IEnumerable<(Address Address, SnapshotAccount Account, IReadOnlyDictionary<UInt256, UInt256> Storage, byte[] Code)> Export(IReadOnlyDictionary<Address, ColdContract> cold)
    {
        ArgumentNullException.ThrowIfNull(cold);
        var checkedCold = new Dictionary<Address, EvictedContract.Contents>();
        EvictedContract.Contents Cold(EvictedContract evicted)
        {
            if (!checkedCold.TryGetValue(evicted.Address, out var contents))
            {
                contents = evicted.Check(cold[evicted.Address]);
                checkedCold[evicted.Address] = contents;
            }

            return contents;
        }

        foreach (var (address, account) in _accounts)
        {
            var storage = account.IsResident ? account.StorageState : Cold(account.Evicted!).Storage;
            byte[] code;
            if (!account.HasCode)
            {
                code = [];
            }
            else if (_code.TryGetValue(account.CodeHash, out var resident))
            {
                code = resident;
            }
            else
            {
                var evicted = account.Evicted is { } own && own.CodeHash == account.CodeHash ? own : _evictedCode[account.CodeHash];
                code = evicted.IsLoaded ? evicted.Code : Cold(evicted).Code;
            }

            yield return (address, account, storage.Slots, code);
        }
    }

    private PersistentTrie UpdateTrie(PendingTrieUpdate pending)
    {
        var builder = pending.Basis.ToBuilder();
        foreach (var address in pending.Accounts)
        {
            if (_accounts.TryGetValue(address, out var account))
            {
                builder.Set(AccountKey(address), account.ToStateAccount().Encode());
            }
            else
            {
                builder.Delete(AccountKey(address));
            }
        }

        return builder.ToTrie();
    }

    private PersistentTrie BuildTrie()
    {
        var builder = PersistentTrie.Empty.ToBuilder();
        foreach (var (address, account) in _accounts)
        {
            builder.Set(AccountKey(address), account.ToStateAccount().Encode());
        }

        return builder.ToTrie();
    }

    private static Hash256 AccountKey(in Address address) => Keccak256.Compute(address.Bytes);

    private sealed record PendingTrieUpdate(PersistentTrie Basis, Address[] Accounts);
}
