using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The whole state at one point (before or after a block), in memory and immutable: safe to read from any number
/// of threads at once, which is what Block-STM's pre-state reader needs. A block's <see cref="StateChanges"/>
/// make a new snapshot that shares every unchanged account with this one. The state root is computed on demand
/// (once) from the accounts, reusing the storage roots of accounts whose storage did not change.
/// </summary>
public sealed class StateSnapshot : IStateReader
{
    private readonly Dictionary<Address, SnapshotAccount> _accounts;
    private readonly Dictionary<Hash256, byte[]> _code;
    private readonly Lock _rootGate = new();
    private Hash256? _stateRoot;

    private StateSnapshot(Dictionary<Address, SnapshotAccount> accounts, Dictionary<Hash256, byte[]> code)
    {
        _accounts = accounts;
        _code = code;
    }

    public static StateSnapshot Empty { get; } = new([], []);

    public int AccountCount => _accounts.Count;

    public IEnumerable<KeyValuePair<Address, SnapshotAccount>> Accounts => _accounts;

    /// <summary>A snapshot of exactly these accounts (a genesis allocation, a test's pre-state); zero slots are dropped.</summary>
    public static StateSnapshot FromAccounts(IEnumerable<KeyValuePair<Address, PlainAccount>> accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        var map = new Dictionary<Address, SnapshotAccount>();
        var code = new Dictionary<Hash256, byte[]>();
        foreach (var (address, account) in accounts)
        {
            var codeHash = StateRootCalculator.ComputeCodeHash(account.Code.Span);
            if (!account.Code.IsEmpty)
            {
                code[codeHash] = account.Code.ToArray();
            }

            var storage = new Dictionary<UInt256, UInt256>();
            foreach (var (slot, value) in account.Storage)
            {
                if (!value.IsZero)
                {
                    storage[slot] = value;
                }
            }

            map[address] = new SnapshotAccount(account.Nonce, account.Balance, codeHash, storage);
        }

        return new StateSnapshot(map, code);
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

    public byte[] GetCode(in Hash256 codeHash) => _code.TryGetValue(codeHash, out var code) ? code : [];

    public UInt256 GetStorage(in Address address, in UInt256 slot) =>
        _accounts.TryGetValue(address, out var account) && account.Storage.TryGetValue(slot, out var value) ? value : UInt256.Zero;

    /// <summary>A snapshot knows no block hashes; the block being executed supplies them.</summary>
    public Hash256 GetBlockHash(ulong number) => Hash256.Zero;

    /// <summary>The snapshot after <paramref name="changes"/>; this one is unchanged.</summary>
    public StateSnapshot Apply(StateChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var accounts = new Dictionary<Address, SnapshotAccount>(_accounts);
        foreach (var (address, change) in changes.Accounts)
        {
            if (change.Deleted)
            {
                accounts.Remove(address);
                continue;
            }

            _accounts.TryGetValue(address, out var before);
            if (before is not null && !change.StorageCleared && change.Storage.Count == 0)
            {
                accounts[address] = before.WithFields(change.Nonce, change.Balance, change.CodeHash);
                continue;
            }

            var storage = before is null || change.StorageCleared
                ? new Dictionary<UInt256, UInt256>(change.Storage.Count)
                : new Dictionary<UInt256, UInt256>(before.Storage);
            foreach (var (slot, value) in change.Storage)
            {
                if (value.IsZero)
                {
                    storage.Remove(slot);
                }
                else
                {
                    storage[slot] = value;
                }
            }

            accounts[address] = new SnapshotAccount(change.Nonce, change.Balance, change.CodeHash, storage);
        }

        var code = _code;
        if (changes.Code.Count > 0)
        {
            code = new Dictionary<Hash256, byte[]>(_code);
            foreach (var (hash, bytes) in changes.Code)
            {
                code[hash] = bytes;
            }
        }

        return new StateSnapshot(accounts, code);
    }

    /// <summary>The state root: the account trie over every account, each with its storage root.</summary>
    public Hash256 StateRoot
    {
        get
        {
            lock (_rootGate)
            {
                return _stateRoot ??= ComputeStateRoot();
            }
        }
    }

    private Hash256 ComputeStateRoot()
    {
        var trie = new AccountTrie();
        foreach (var (address, account) in _accounts)
        {
            trie.Set(address, account.ToStateAccount());
        }

        return trie.RootHash;
    }
}
