using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>What one execution read of an account: its fields, and its balance unless that was left lazy.</summary>
internal struct AccountRead
{
    public AccountState Account;
    public UInt256 Balance;
    public bool BalanceRead;

    /// <summary>The recipient of a plain value transfer: the EVM saw a placeholder balance of zero, never the real one.</summary>
    public bool LazyBalance;
}

/// <summary>
/// The EVM's <see cref="IStateReader"/> for one Block-STM execution: every read goes to the transaction's
/// <see cref="IStateView{TKey, TValue}"/> (so the engine records it and can suspend the transaction), and what was
/// read of each account is kept to turn the EVM's final writes into location writes. Reads throw
/// <see cref="TransactionSuspendedException"/> through the EVM, which has no catch blocks on that path, so a
/// suspended execution stops where it is. One per worker thread, reset by <see cref="Begin"/>.
/// </summary>
/// <remarks>
/// An existing account's balance is read only when the transaction uses it (<see cref="IDeferredBalanceReader"/>): a
/// call to a contract that moves no value reads the contract's fields (its code hash) and not its balance, a location
/// that every call to a token or a pool would otherwise read (a probe of the multi-version memory, a kept read and its
/// validation each time) and that a value sent to the contract would then have invalidated.
/// </remarks>
internal sealed class StateViewReader : IDeferredBalanceReader
{
    private static readonly IReadOnlyDictionary<ulong, Hash256> NoBlockHashes = new Dictionary<ulong, Hash256>();

    private readonly Dictionary<Address, AccountRead> _accounts = [];
    private IStateView<EvmLocation, EvmValue>? _view;
    private IReadOnlyDictionary<ulong, Hash256> _blockHashes = NoBlockHashes;
    private BlockCodeStore? _code;
    private Address _lazyRecipient;
    private bool _hasLazyRecipient;

    private IStateView<EvmLocation, EvmValue> View => _view ?? throw new InvalidOperationException("No execution has begun.");

    public void Begin(IStateView<EvmLocation, EvmValue> view, IReadOnlyDictionary<ulong, Hash256> blockHashes, BlockCodeStore code)
    {
        _view = view;
        _blockHashes = blockHashes;
        _code = code;
        _accounts.Clear();
        _hasLazyRecipient = false;
    }

    /// <summary>
    /// Makes <paramref name="recipient"/>'s balance lazy: the EVM sees zero and its credit is turned into a
    /// <see cref="BalanceIncrement"/>. Only for a code-less recipient of a plain transfer of a non-zero value, which
    /// nothing in the transaction reads the balance of: the credit leaves it non-empty, so EIP-161 never asks.
    /// </summary>
    public void SetLazyRecipient(in Address recipient)
    {
        _lazyRecipient = recipient;
        _hasLazyRecipient = true;
    }

    /// <summary>The account's fields (not its balance) as this transaction sees them, read once.</summary>
    public AccountState ReadAccount(in Address address) => Entry(address).Account;

    /// <summary>The account's balance as this transaction sees it, read once (resolving any deltas below it).</summary>
    public UInt256 ReadBalance(in Address address)
    {
        ref var entry = ref Entry(address);
        if (!entry.BalanceRead)
        {
            // The view does not touch this dictionary, so the reference stays valid across the read.
            entry.Balance = View.Read(EvmLocation.Balance(address)).Balance;
            entry.BalanceRead = true;
        }

        return entry.Balance;
    }

    /// <summary>What was read of an account that the EVM loaded.</summary>
    public bool TryGetRead(in Address address, out AccountRead read) => _accounts.TryGetValue(address, out read);

    public bool TryGetAccount(in Address address, out AccountInfo account) =>
        TryGetAccount(address, deferBalance: false, out account, out _);

    public bool TryGetAccountDeferringBalance(in Address address, out AccountInfo account, out bool balanceDeferred) =>
        TryGetAccount(address, deferBalance: true, out account, out balanceDeferred);

    private bool TryGetAccount(in Address address, bool deferBalance, out AccountInfo account, out bool balanceDeferred)
    {
        var fields = ReadAccount(address);
        balanceDeferred = false;
        if (_hasLazyRecipient && address == _lazyRecipient)
        {
            CollectionsMarshal.GetValueRefOrNullRef(_accounts, address).LazyBalance = true;

            // It exists as far as this transaction can tell: a top-level transfer charges nothing for a new account,
            // and claiming existence keeps the EVM from marking its storage cleared (it has none: it has no code).
            account = new AccountInfo(fields.Nonce, UInt256.Zero, fields.CodeHash, fields.HasStorage);
            return true;
        }

        // Only an account flagged as existing leaves its balance for later: one that exists only through its balance
        // needs the balance to say so.
        if (deferBalance && fields.Exists)
        {
            account = new AccountInfo(fields.Nonce, UInt256.Zero, fields.CodeHash, fields.HasStorage);
            balanceDeferred = true;
            return true;
        }

        var balance = ReadBalance(address);
        account = new AccountInfo(fields.Nonce, balance, fields.CodeHash, fields.HasStorage);
        return fields.Exists || !balance.IsZero;
    }

    public UInt256 ReadDeferredBalance(in Address address) => ReadBalance(address);

    /// <summary>Code by hash is not a location (see <see cref="BlockCodeStore"/>): the account's code hash was read, and that read is validated.</summary>
    public byte[] GetCode(in Hash256 codeHash) => (_code ?? throw new InvalidOperationException("No execution has begun.")).Get(codeHash);

    /// <summary>A slot counts only if it was written in the account's current storage generation; older ones were wiped.</summary>
    public UInt256 GetStorage(in Address address, in UInt256 slot)
    {
        var generation = ReadAccount(address).StorageGeneration;
        var value = View.Read(EvmLocation.Storage(address, slot));
        return value.Generation == generation ? value.StorageValue : UInt256.Zero;
    }

    /// <summary>Block hashes are fixed for the block (ancestors only), so they are not locations.</summary>
    public Hash256 GetBlockHash(ulong number) => _blockHashes.TryGetValue(number, out var hash) ? hash : Hash256.Zero;

    private ref AccountRead Entry(in Address address)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_accounts, address);
        if (!Unsafe.IsNullRef(ref entry))
        {
            return ref entry;
        }

        // Read before adding: a suspension thrown here must not leave a half-made entry (Begin clears them anyway).
        var fields = View.Read(EvmLocation.Account(address)).Account;
        ref var added = ref CollectionsMarshal.GetValueRefOrAddDefault(_accounts, address, out _);
        added.Account = fields;
        return ref added;
    }
}
