using Hyperion.Core.Transactions;
using Hyperion.Evm.Precompiles;
using Hyperion.Execution.Evm;
using Hyperion.Grains.Abstractions;
using Hyperion.Grains.Chain;

namespace Hyperion.Grains.Tests.Chain;

public sealed class ChainEngineTests
{
    // Init code that deploys a runtime which stores calldata word 0 at slot 0, returns slot 0's old value, and
    // reverts with data 0xdead when called with the word 7.
    //   runtime: PUSH1 0 CALLDATALOAD DUP1 PUSH1 7 EQ PUSH1 0x19 JUMPI PUSH1 0 SLOAD SWAP1 PUSH1 0 SSTORE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    //            JUMPDEST PUSH2 0xdead PUSH1 0 MSTORE PUSH1 2 PUSH1 30 REVERT
    private static readonly byte[] Runtime = Hex.Decode("0x600035806007146019576000549060005560005260206000f35b61dead6000526002601efd");

    private static readonly Address Recipient = Address.Parse("0x2222222222222222222222222222222222222222");

    [Fact]
    public void Genesis_funds_the_allocations_and_blocks_chain_on_it()
    {
        using var engine = NewEngine();
        Assert.Equal(0UL, engine.Head.Number);
        Assert.True(engine.State.TryGetAccount(DevKeys.Key(0).Address, out SnapshotAccount funded));
        Assert.Equal(DevKeys.TenThousandEth, funded.Balance);

        var (raw, transaction) = DevKeys.Transfer(0, Recipient, 0, 5);
        var rejected = new List<RejectedTransaction>();
        var built = engine.BuildBlock([transaction], [raw], 1, rejected);
        Assert.Empty(rejected);
        Assert.Equal(engine.HeadHash, built.Block.Header.ParentHash);
        engine.Commit(built);
        Assert.Equal(1UL, engine.Head.Number);
        Assert.Equal(built.PostState.StateRoot, engine.Head.StateRoot);
        Assert.True(engine.State.TryGetAccount(Recipient, out SnapshotAccount recipient));
        Assert.Equal(new UInt256(5), recipient.Balance);
    }

    [Fact]
    public void Invalid_transactions_are_left_out_with_the_later_ones_of_their_sender()
    {
        using var engine = NewEngine();
        var (good, goodTx) = DevKeys.Transfer(0, Recipient, 0, 1);
        var (skipped, skippedTx) = DevKeys.Transfer(1, Recipient, 1, 1); // nonce 1 while the account's is 0
        var (after, afterTx) = DevKeys.Transfer(1, Recipient, 2, 1);
        var rejected = new List<RejectedTransaction>();
        var built = engine.BuildBlock([goodTx, skippedTx, afterTx], [good, skipped, after], 1, rejected);
        Assert.Equal([goodTx.Hash], built.TransactionHashes);
        Assert.Equal(new[] { skippedTx.Hash, afterTx.Hash }.Order(), rejected.Select(rejection => rejection.Hash).Order());
        Assert.All(rejected, rejection => Assert.False(rejection.Retry));
    }

    [Fact]
    public void Calls_see_the_head_and_revert_data_comes_back()
    {
        using var engine = NewEngine();
        var deploy = new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = DevKeys.ChainId,
            Nonce = 0,
            MaxFeePerGas = new UInt256(100_000_000_000),
            MaxPriorityFeePerGas = new UInt256(1_000_000_000),
            GasLimit = 200_000,
            Data = InitCodeFor(Runtime),
        }.Sign(DevKeys.Key(0));
        var built = engine.BuildBlock([deploy], [deploy.EncodeNetworkForm()], 1, []);
        engine.Commit(built);
        var contract = built.Block.Receipts[0].ContractAddress ?? throw new InvalidOperationException("no contract created");

        var word = new byte[32];
        word[31] = 42;
        var call = engine.Call(new CallRequest(DevKeys.Key(0).Address, contract, null, null, null, null, UInt256.Zero, word));
        Assert.True(call.Success, call.Error);
        Assert.Equal(new byte[32], call.ReturnData);

        word[31] = 7;
        var reverted = engine.Call(new CallRequest(null, contract, null, null, null, null, UInt256.Zero, word));
        Assert.False(reverted.Success);
        Assert.Equal("execution reverted", reverted.Error);
        Assert.Equal(new byte[] { 0xde, 0xad }, reverted.ReturnData);

        // Nothing a call did stays: slot 0 is still zero.
        Assert.Equal(UInt256.Zero, engine.State.GetStorage(contract, UInt256.Zero));

        var transfer = engine.EstimateGas(new CallRequest(DevKeys.Key(0).Address, Recipient, null, null, null, null, new UInt256(1), []));
        Assert.True(transfer.Success);
        Assert.Equal(21_000UL, transfer.GasUsed);
        word[31] = 42;
        var store = engine.EstimateGas(new CallRequest(DevKeys.Key(0).Address, contract, null, null, null, null, UInt256.Zero, word));
        Assert.True(store.Success);
        Assert.InRange(store.GasUsed, 21_000UL + 20_000UL, 80_000UL);
        Assert.True(engine.Call(new CallRequest(DevKeys.Key(0).Address, contract, store.GasUsed, null, null, null, UInt256.Zero, word)).Success);
        Assert.False(engine.Call(new CallRequest(DevKeys.Key(0).Address, contract, store.GasUsed - 1, null, null, null, UInt256.Zero, word)).Success);

        var poor = engine.Call(new CallRequest(Recipient, contract, null, null, null, null, new UInt256(1), word));
        Assert.False(poor.Success);
        Assert.Contains("insufficient funds", poor.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Block_log_codec_round_trips_blocks_deltas_and_checkpoints()
    {
        using var engine = NewEngine();
        var (raw, transaction) = DevKeys.Transfer(0, Recipient, 0, 5);
        var built = engine.BuildBlock([transaction], [raw], 1, []);

        var block = BlockLogCodec.DecodeBlock(BlockLogCodec.EncodeBlock(built.Block));
        Assert.Equal(built.Hash, block.Header.Hash);
        Assert.Equal(raw, Assert.Single(block.Transactions));
        Assert.Equal(DevKeys.Key(0).Address, Assert.Single(block.Senders));
        Assert.Equal(built.Block.Receipts[0].Encode(), block.Receipts[0].Encode());

        var changes = BlockLogCodec.DecodeChanges(BlockLogCodec.EncodeChanges(built.Changes));
        Assert.Equal(built.PostState.StateRoot, engine.State.Apply(changes).StateRoot);
        Assert.Equal(built.PostState.StateRoot, BlockLogCodec.DecodeSnapshot(BlockLogCodec.EncodeSnapshot(built.PostState)).StateRoot);
        Assert.Throws<Core.Rlp.RlpException>(() => BlockLogCodec.DecodeChanges([0xc2, 0x02, 0xc0]));
    }

    private static ChainEngine NewEngine()
    {
        var options = DevKeys.Chain();
        var (genesis, state, _) = ChainEngine.CreateGenesis(options, 0);
        return new ChainEngine(options, StandardPrecompiles.Cancun(), genesis, state);
    }

    /// <summary>Init code that returns <paramref name="runtime"/>: CODECOPY it to memory and RETURN it.</summary>
    private static byte[] InitCodeFor(byte[] runtime)
    {
        // PUSH1 len PUSH1 12 PUSH1 0 CODECOPY PUSH1 len PUSH1 0 RETURN, then the runtime (the prefix is 12 bytes).
        byte[] prefix = [0x60, (byte)runtime.Length, 0x60, 12, 0x60, 0, 0x39, 0x60, (byte)runtime.Length, 0x60, 0, 0xf3];
        return [.. prefix, .. runtime];
    }
}
