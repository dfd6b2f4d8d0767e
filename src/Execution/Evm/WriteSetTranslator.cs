using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// Turns the EVM's final writes of one transaction (<see cref="TransactionWriteSet"/>) into Block-STM location
/// writes, against what the transaction read (<see cref="StateViewReader"/>): a location is written only when its
/// value changed, the lazy recipient's credit becomes a <see cref="BalanceIncrement"/>, and deletions and creations
/// bump the account's storage generation instead of rewriting every slot.
/// </summary>
internal static class WriteSetTranslator
{
    /// <summary>Fills <paramref name="result"/> (empty: a worker's own, reused) with the location writes of <paramref name="writes"/>.</summary>
    /// <remarks>
    /// The EVM's write set has each account at most once and each of its slots at most once (it is built from the
    /// transaction's maps of them), so every location written here is new to <paramref name="result"/>: it is added
    /// without a search of what is there (<see cref="WriteSet{TKey, TValue}.WriteNew(in TKey, in TValue)"/>).
    /// </remarks>
    public static void Translate(TransactionWriteSet writes, StateViewReader reads, BlockCodeStore code, WriteSet<EvmLocation, EvmValue> result)
    {
        if (result.Count != 0)
        {
            throw new ArgumentException("The location writes must start empty.", nameof(result));
        }

        // As spans: the lists come as interfaces (arrays underneath), and an enumerator each was an object every transaction.
        foreach (ref readonly var write in ListSpan.Of(writes.Accounts))
        {
            // The EVM loads every account before it writes it, so the read is there.
            if (!reads.TryGetRead(write.Address, out var read))
            {
                throw new InvalidOperationException($"The EVM wrote {write.Address} without reading it.");
            }

            if (read.LazyBalance)
            {
                WriteLazyCredit(result, write, read);
                continue;
            }

            var before = read.Account;
            var after = write.Deleted
                ? Deleted(before)
                : new AccountState(
                    Exists: true,
                    write.Nonce,
                    write.CodeHash,
                    // EIP-7610's "had storage" only ever matters for storage from before the block (see BlockStateOverlay).
                    HasStorage: before.HasStorage && !write.StorageCleared,
                    write.StorageCleared ? before.StorageGeneration + 1 : before.StorageGeneration);
            if (after != before)
            {
                result.WriteNew(EvmLocation.Account(write.Address), EvmValue.FromAccount(after));
            }

            var balance = write.Deleted ? UInt256.Zero : write.Balance;
            if (!read.BalanceRead || balance != read.Balance)
            {
                result.WriteNew(EvmLocation.Balance(write.Address), EvmValue.FromBalance(balance));
            }

            if (write.Code is { Length: > 0 } deployed)
            {
                code.Add(write.CodeHash, deployed);
            }
        }

        // An account's slots come one after another: its generation is looked up once for the run.
        var generationOf = default(Address);
        var generation = 0;
        var known = false;
        foreach (ref readonly var write in ListSpan.Of(writes.Storage))
        {
            if (!known || write.Address != generationOf)
            {
                // Written in the account's generation as this transaction leaves it (a creation starts a new one).
                generation = result.TryGet(EvmLocation.Account(write.Address), out var account)
                    ? account.Value.Account.StorageGeneration
                    : reads.ReadAccount(write.Address).StorageGeneration;
                generationOf = write.Address;
                known = true;
            }

            result.WriteNew(EvmLocation.Storage(write.Address, write.Slot), EvmValue.FromStorage(write.Value, generation));
        }
    }

    /// <summary>
    /// The deferred coinbase payment (<see cref="TransactionProcessor.DefersCoinbasePayment"/>): a positive tip is a
    /// <see cref="BalanceIncrement"/>. A zero tip still touches the coinbase (EIP-161), which deletes it if it
    /// exists and is empty; the balance is read only when nothing else rules that out, so that transactions with
    /// no tip do not all depend on the coinbase balance.
    /// </summary>
    /// <param name="writes">The transaction's location writes.</param>
    /// <param name="reads">What the transaction read.</param>
    /// <param name="coinbase">The block's coinbase.</param>
    /// <param name="tip">The tip as a delta; null for no tip.</param>
    public static void PayCoinbase(WriteSet<EvmLocation, EvmValue> writes, StateViewReader reads, in Address coinbase, BalanceIncrement? tip)
    {
        if (tip is not null)
        {
            writes.AddDelta(EvmLocation.Balance(coinbase), tip);
            return;
        }

        var accountLocation = EvmLocation.Account(coinbase);
        var account = writes.TryGet(accountLocation, out var accountWrite) ? accountWrite.Value.Account : reads.ReadAccount(coinbase);

        // Not flagged as existing: it exists only through a non-zero balance (then it is not empty) or not at all.
        if (!account.Exists || account.Nonce != 0 || account.HasCode)
        {
            return;
        }

        var balanceLocation = EvmLocation.Balance(coinbase);
        var balance = !writes.TryGet(balanceLocation, out var balanceWrite)
            ? reads.ReadBalance(coinbase)
            : balanceWrite.IsDelta ? balanceWrite.ApplyTo(EvmValue.FromBalance(reads.ReadBalance(coinbase))).Balance : balanceWrite.Value.Balance;
        if (balance.IsZero)
        {
            writes.Write(accountLocation, EvmValue.FromAccount(Deleted(account)));
        }
    }

    private static AccountState Deleted(in AccountState before) =>
        AccountState.Absent with { StorageGeneration = before.StorageGeneration + 1 };

    /// <summary>The plain transfer's recipient: its only change is the credit (the EVM started it from a placeholder zero).</summary>
    private static void WriteLazyCredit(WriteSet<EvmLocation, EvmValue> result, in AccountWrite write, in AccountRead read)
    {
        if (write.Deleted || write.Nonce != read.Account.Nonce || write.CodeHash != read.Account.CodeHash)
        {
            throw new InvalidOperationException($"The lazily credited recipient {write.Address} changed beyond its balance.");
        }

        if (!write.Balance.IsZero)
        {
            result.WriteNew(EvmLocation.Balance(write.Address), new BalanceIncrement(write.Balance));
        }
    }
}
