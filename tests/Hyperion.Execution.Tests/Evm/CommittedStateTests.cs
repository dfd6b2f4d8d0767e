using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.Execution.Evm;

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
        view.BeginRun(new Dictionary<ulong, Hash256>());
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
        state.BeginCommit();
        state.PublishSlot(Alice, UInt256.Zero, UInt256.One);
        state.EndCommit();
        var onlyAlice = reads[..1];
        Assert.False(state.ChangedSince(onlyAlice, started));
        state.BeginCommit();
        state.PublishSlot(Bob, UInt256.One, new UInt256(9));
        state.EndCommit();
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
        view.BeginRun(new Dictionary<ulong, Hash256>());
        state.StartTransaction();
        view.TryGetAccount(Coinbase, out _);
        Assert.True(state.TouchedCoinbase);

        state.Begin(StateSnapshot.Empty, Coinbase);
        var started = state.StartTransaction();
        Assert.False(state.TouchedCoinbase);
        view.BeginRun(new Dictionary<ulong, Hash256>());
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

        state.BeginCommit();
        state.PublishCode(hash, code);
        state.EndCommit();
        Assert.Equal(code, state.GetCode(hash));

        state.Begin(StateSnapshot.Empty, Coinbase);
        Assert.Empty(state.GetCode(hash));
    }

    private static void Publish(CommittedState state, in Address address, ulong balance)
    {
        state.BeginCommit();
        state.PublishAccount(address, new AccountInfo(0, new UInt256(balance), AccountInfo.EmptyCodeHash));
        state.EndCommit();
    }
}
