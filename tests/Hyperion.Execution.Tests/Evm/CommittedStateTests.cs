using CsCheck;
using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.Execution.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Tests.Evm;

public sealed class CommittedStateTests
{
    private static readonly Address Coinbase = Address.Parse("0x00000000000000000000000000000000000000cb");
    private static readonly Address Alice = Address.Parse("0x00000000000000000000000000000000000a11ce");
    private static readonly Address Bob = Address.Parse("0x0000000000000000000000000000000000000b0b");

    [Fact]
    public void A_read_is_changed_only_by_commits_published_after_the_transaction_started()
    {
        var state = new CommittedState();
        state.Begin(StateSnapshot.Empty, Coinbase);
        Publish(state, Alice, balance: 5);

        var view = new CommittedState.RunnerView(state);
        var started = state.StartTransaction();
        Assert.True(view.TryGetAccount(Alice, out var alice));
        Assert.Equal(new UInt256(5), alice.Balance);
        Assert.False(view.TryGetAccount(Bob, out _));
        Assert.Equal(UInt256.Zero, view.GetStorage(Bob, UInt256.One));
        var reads = state.Reads.ToArray();
        Assert.Equal(3, reads.Length);
        Assert.False(state.ChangedSince(reads, started));
        Assert.False(state.TouchedCoinbase);

        // A later commit of a slot the transaction read (absent then) changes it; one of a location it did not read does not.
        Commit(state, Slots((Alice, UInt256.Zero, UInt256.One)));
        var onlyAlice = reads[..1];
        Assert.False(state.ChangedSince(onlyAlice, started));
        Commit(state, Slots((Bob, UInt256.One, new UInt256(9))));
        Assert.True(state.ChangedSince(reads, started));
        Assert.Equal(new UInt256(9), view.GetStorage(Bob, UInt256.One));
    }

    [Fact]
    public void Reading_the_coinbase_is_noticed_and_a_new_block_starts_empty()
    {
        var state = new CommittedState();
        state.Begin(StateSnapshot.Empty, Coinbase);
        Publish(state, Alice, balance: 5);
        var view = new CommittedState.RunnerView(state);
        state.StartTransaction();
        view.TryGetAccount(Coinbase, out _);
        Assert.True(state.TouchedCoinbase);

        state.Begin(StateSnapshot.Empty, Coinbase);
        var started = state.StartTransaction();
        Assert.False(state.TouchedCoinbase);
        Assert.False(view.TryGetAccount(Alice, out _));

        // The last block's stamps are all below the new start: nothing reads as changed.
        Assert.False(state.ChangedSince(state.Reads, started));
    }

    [Fact]
    public void Code_a_commit_deployed_is_found_by_its_hash_until_the_next_block()
    {
        var state = new CommittedState();
        state.Begin(StateSnapshot.Empty, Coinbase);
        byte[] code = [0x60, 0x00, 0x00];
        var hash = Hyperion.Core.Crypto.Keccak256.Compute(code);
        Assert.Empty(state.GetCode(hash));

        Commit(state, new TransactionWriteSet([new AccountWrite(Bob, false, 1, UInt256.Zero, hash, code, true)], []));
        Assert.Equal(code, state.GetCode(hash));

        state.Begin(StateSnapshot.Empty, Coinbase);
        Assert.Empty(state.GetCode(hash));
    }

    /// <summary>
    /// The committer's state against the sequential executor's overlay: random commits (account writes with deletions,
    /// wipes and code, slot writes, credits of zero and more) over a starting state with storage leave both answering
    /// every read alike after each commit, and giving the same changes at the end. (Not compared: "has storage" for an
    /// account the block gave slots, which the overlay counts and the committed state does not; such an account has code
    /// or a nonce, which refuse a creation over it anyway, the only use of the flag.)
    /// </summary>
    [Fact]
    public void Commits_leave_the_same_state_and_changes_as_the_overlay()
    {
        Gen.Int[1, 24].SelectMany(count => GenCommit.Array[count]).Sample(commits =>
        {
            var start = StartingState();
            var overlay = new BlockStateOverlay(start);
            var state = new CommittedState();
            state.Begin(start, Coinbase);
            foreach (var commit in commits)
            {
                state.BeginCommit();
                if (commit.Credit is { } credit)
                {
                    overlay.AddBalance(credit.Address, credit.Amount);
                    state.AddBalance(credit.Address, credit.Amount);
                }
                else
                {
                    overlay.Apply(commit.Writes!);
                    state.Apply(commit.Writes!);
                }

                state.EndCommit();
                foreach (var address in Universe)
                {
                    var exists = overlay.TryGetAccount(address, out var expected);
                    Assert.Equal(exists, state.TryGetAccount(address, out var actual));
                    if (exists)
                    {
                        Assert.Equal((expected.Nonce, expected.Balance, expected.CodeHash), (actual.Nonce, actual.Balance, actual.CodeHash));
                    }

                    foreach (var slot in SlotUniverse)
                    {
                        Assert.Equal(overlay.GetStorage(address, slot), state.GetStorage(address, slot));
                    }
                }
            }

            AssertSameChanges(overlay.ToChanges(), state.ToChanges());
        });
    }

    [Fact]
    public void A_deletion_hides_the_slots_written_before_it_and_an_account_with_storage_keeps_the_flag_until_wiped()
    {
        var start = StartingState();
        var state = new CommittedState();
        state.Begin(start, Coinbase);
        Assert.True(state.TryGetAccount(Carol, out var carol));
        Assert.True(carol.HasStorage);
        Assert.Equal(new UInt256(7), state.GetStorage(Carol, UInt256.One));

        Commit(state, Slots((Carol, new UInt256(2), new UInt256(5))));
        Commit(state, new TransactionWriteSet([new AccountWrite(Carol, true, 0, UInt256.Zero, AccountInfo.EmptyCodeHash, null, true)], []));
        Assert.False(state.TryGetAccount(Carol, out carol));
        Assert.False(carol.HasStorage);
        Assert.Equal(UInt256.Zero, state.GetStorage(Carol, UInt256.One));
        Assert.Equal(UInt256.Zero, state.GetStorage(Carol, new UInt256(2)));

        // A slot written after the deletion counts; the deletion itself is the change of an account that existed.
        Commit(state, Slots((Carol, new UInt256(3), new UInt256(4))));
        Assert.Equal(new UInt256(4), state.GetStorage(Carol, new UInt256(3)));
        var change = state.ToChanges().Accounts[Carol];
        Assert.True(change.Deleted);
    }

    private static void Publish(CommittedState state, in Address address, ulong balance) =>
        Commit(state, new TransactionWriteSet([new AccountWrite(address, false, 0, new UInt256(balance), AccountInfo.EmptyCodeHash, null, false)], []));

    private static TransactionWriteSet Slots(params (Address Address, UInt256 Slot, UInt256 Value)[] slots) =>
        new([], [.. slots.Select(slot => new StorageWrite(slot.Address, slot.Slot, slot.Value))]);

    private static void Commit(CommittedState state, TransactionWriteSet writes)
    {
        state.BeginCommit();
        state.Apply(writes);
        state.EndCommit();
    }

    private static readonly Address Carol = Address.Parse("0x00000000000000000000000000000000000ca401");
    private static readonly Address[] Universe = [Alice, Bob, Carol, Coinbase];
    private static readonly UInt256[] SlotUniverse = [UInt256.One, new UInt256(2), new UInt256(3)];
    private static readonly byte[] SomeCode = [0x60, 0x01, 0x00];
    private static readonly Hash256 SomeCodeHash = Hyperion.Core.Crypto.Keccak256.Compute(SomeCode);

    /// <summary>Alice a plain account, Carol a contract with two slots; Bob and the coinbase absent.</summary>
    private static StateSnapshot StartingState() => StateSnapshot.FromAccounts(new Dictionary<Address, PlainAccount>
    {
        [Alice] = new() { Nonce = 3, Balance = new UInt256(50) },
        [Carol] = new() { Nonce = 1, Code = SomeCode, Storage = new Dictionary<UInt256, UInt256> { [UInt256.One] = new UInt256(7), [new UInt256(3)] = new UInt256(9) } },
    });

    private static readonly Gen<Address> GenAddress = Gen.Int[0, Universe.Length - 1].Select(index => Universe[index]);

    private static readonly Gen<AccountWrite> GenAccountWrite =
        Gen.Select(GenAddress, Gen.Int[0, 9], Gen.ULong[0, 3], Gen.ULong[0, 3], Gen.Bool).Select((address, kind, nonce, balance, cleared) => kind switch
        {
            0 => new AccountWrite(address, true, 0, UInt256.Zero, AccountInfo.EmptyCodeHash, null, true),
            1 => new AccountWrite(address, false, 1, new UInt256(balance), SomeCodeHash, SomeCode, true),
            _ => new AccountWrite(address, false, nonce, new UInt256(balance), AccountInfo.EmptyCodeHash, null, cleared && kind == 2),
        });

    private static readonly Gen<StorageWrite> GenStorageWrite =
        Gen.Select(GenAddress, Gen.Int[0, SlotUniverse.Length - 1].Select(index => SlotUniverse[index]), Gen.ULong[0, 2]).Select((address, slot, value) => new StorageWrite(address, slot, new UInt256(value)));

    private static readonly Gen<TestCommit> GenCommit = Gen.Frequency(
        (4, Gen.Select(GenAccountWrite.Array[0, 2], GenStorageWrite.Array[0, 3]).Select((accounts, storage) => new TestCommit(new TransactionWriteSet(accounts, storage), null))),
        (1, Gen.Select(GenAddress, Gen.ULong[0, 2]).Select((address, amount) => new TestCommit(null, (address, new UInt256(amount))))));

    private static void AssertSameChanges(StateChanges expected, StateChanges actual)
    {
        Assert.Equal(expected.Accounts.Keys.Order(), actual.Accounts.Keys.Order());
        foreach (var (address, change) in expected.Accounts)
        {
            var other = actual.Accounts[address];
            Assert.Equal((change.Deleted, change.Nonce, change.Balance, change.CodeHash, change.StorageCleared), (other.Deleted, other.Nonce, other.Balance, other.CodeHash, other.StorageCleared));
            Assert.Equal(change.Storage.OrderBy(slot => slot.Key), other.Storage.OrderBy(slot => slot.Key));
        }

        Assert.Equal(expected.Code.Keys.Order(), actual.Code.Keys.Order());
    }

    /// <summary>One commit: a transaction's writes, or a credit.</summary>
    private sealed record TestCommit(TransactionWriteSet? Writes, (Address Address, UInt256 Amount)? Credit)
    {
        public override string ToString() => Credit is { } credit
            ? $"credit {credit.Address} {credit.Amount}"
            : $"accounts [{string.Join(", ", Writes!.Accounts)}] slots [{string.Join(", ", Writes.Storage)}]";
    }
}
