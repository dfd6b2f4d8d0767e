using System.Globalization;
using System.Text;
using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.Evm;

/// <summary>
/// A whole world in dictionaries: an <see cref="IStateReader"/> that applies transaction write sets, for
/// tests, tools and a simple sequential executor. Block hashes default to keccak of the number's decimal
/// digits (as the ethereum/tests fixtures were filled) unless set.
/// </summary>
public sealed class InMemoryState : IStateReader
{
    private readonly Dictionary<Address, AccountInfo> _accounts = [];
    private readonly Dictionary<Hash256, byte[]> _code = [];
    private readonly Dictionary<Address, Dictionary<UInt256, UInt256>> _storage = [];
    private readonly Dictionary<ulong, Hash256> _blockHashes = [];

    public IEnumerable<Address> Addresses => _accounts.Keys;

    public bool TryGetAccount(in Address address, out AccountInfo account)
    {
        if (!_accounts.TryGetValue(address, out account))
        {
            return false;
        }

        // Stored accounts never carry HasStorage (it is derived here), so the copy is needed only when it is set.
        if (_storage.TryGetValue(address, out var slots) && slots.Count > 0)
        {
            account = account with { HasStorage = true };
        }

        return true;
    }

    public byte[] GetCode(in Hash256 codeHash) => _code.TryGetValue(codeHash, out var code) ? code : [];

    public UInt256 GetStorage(in Address address, in UInt256 slot) =>
        _storage.TryGetValue(address, out var slots) && slots.TryGetValue(slot, out var value) ? value : UInt256.Zero;

    public Hash256 GetBlockHash(ulong number) =>
        _blockHashes.TryGetValue(number, out var hash)
            ? hash
            : Keccak256.Compute(Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture)));

    public byte[] GetCodeOf(in Address address) =>
        _accounts.TryGetValue(address, out var account) ? GetCode(account.CodeHash) : [];

    public IReadOnlyDictionary<UInt256, UInt256> GetStorageOf(in Address address) =>
        _storage.TryGetValue(address, out var slots) ? slots : new Dictionary<UInt256, UInt256>();

    /// <summary>Creates or replaces an account (its storage is kept).</summary>
    public InMemoryState SetAccount(in Address address, ulong nonce, in UInt256 balance, byte[]? code = null)
    {
        var codeHash = AccountInfo.EmptyCodeHash;
        if (code is { Length: > 0 })
        {
            codeHash = Keccak256.Compute(code);
            _code[codeHash] = code;
        }

        _accounts[address] = new AccountInfo(nonce, balance, codeHash);
        return this;
    }

    public InMemoryState SetStorage(in Address address, in UInt256 slot, in UInt256 value)
    {
        if (!_storage.TryGetValue(address, out var slots))
        {
            _storage[address] = slots = [];
        }

        if (value.IsZero)
        {
            slots.Remove(slot);
        }
        else
        {
            slots[slot] = value;
        }

        return this;
    }

    public InMemoryState SetBlockHash(ulong number, in Hash256 hash)
    {
        _blockHashes[number] = hash;
        return this;
    }

    /// <summary>Applies a transaction's final writes.</summary>
    public void Apply(TransactionWriteSet writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        foreach (var write in writes.Accounts)
        {
            if (write.Deleted)
            {
                _accounts.Remove(write.Address);
                _storage.Remove(write.Address);
                continue;
            }

            if (write.StorageCleared)
            {
                _storage.Remove(write.Address);
            }

            if (write.Code is { Length: > 0 } code)
            {
                _code[write.CodeHash] = code;
            }

            _accounts[write.Address] = new AccountInfo(write.Nonce, write.Balance, write.CodeHash);
        }

        // A transaction's slot writes come grouped by account: look each account's slots up once per run.
        Dictionary<UInt256, UInt256>? slots = null;
        var owner = default(Address);
        foreach (var write in writes.Storage)
        {
            if (slots is null || write.Address != owner)
            {
                owner = write.Address;
                if (!_storage.TryGetValue(owner, out slots))
                {
                    _storage[owner] = slots = [];
                }
            }

            if (write.Value.IsZero)
            {
                slots.Remove(write.Slot);
            }
            else
            {
                slots[write.Slot] = write.Value;
            }
        }
    }
}
