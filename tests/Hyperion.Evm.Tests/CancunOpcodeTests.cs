using Hyperion.Core;

namespace Hyperion.Evm.Tests;

/// <summary>Cancun's additions: transient storage (EIP-1153), SELFDESTRUCT under EIP-6780, BLOBHASH, BLOBBASEFEE.</summary>
public sealed class CancunOpcodeTests
{
    [Fact]
    public void Transient_storage_lives_for_the_transaction_only()
    {
        // TSTORE(1, 7) then TLOAD(1) in one transaction; a second transaction's TLOAD sees zero.
        var harness = new EvmHarness().WithCode(new Bytecode()
            .Op(Opcode.CALLDATASIZE).Push(9).Op(Opcode.JUMPI)
            .Push(7).Push(1).Op(Opcode.TSTORE)
            .Op(Opcode.JUMPDEST).Push(1).Op(Opcode.TLOAD).StoreTopAt(0));

        harness.Transact(harness.NewTransaction(EvmHarness.ContractAddress));
        Assert.Equal(new UInt256(7), harness.State.GetStorage(EvmHarness.ContractAddress, 0));

        harness.Transact(harness.NewTransaction(EvmHarness.ContractAddress, data: [1]));
        Assert.Equal(UInt256.Zero, harness.State.GetStorage(EvmHarness.ContractAddress, 0));
    }

    [Fact]
    public void Tstore_costs_100_and_is_a_state_change_that_static_calls_forbid()
    {
        Assert.Equal(3 + 3 + 100, new EvmHarness().WithCode(new Bytecode().Push(7).Push(1).Op(Opcode.TSTORE)).GasUsedBy());

        var callee = EvmHarness.OtherAddress;
        var caller = new Bytecode().Push(0).Push(0).Push(0).Push(0).Push(callee).Op(Opcode.GAS, Opcode.STATICCALL).ReturnTop();
        var harness = new EvmHarness().WithCode(caller).WithCode(new Bytecode().Push(7).Push(1).Op(Opcode.TSTORE), callee);
        Assert.Equal(UInt256.Zero, EvmHarness.Word(harness.Run().Result.Output));
    }

    [Fact]
    public void Transient_writes_of_a_reverted_frame_are_undone()
    {
        var journal = new JournaledState();
        journal.Begin(new InMemoryState());
        journal.SetTransient(EvmHarness.ContractAddress, 1, 5);
        var snapshot = journal.Snapshot();
        journal.SetTransient(EvmHarness.ContractAddress, 1, 6);
        journal.Revert(snapshot);
        Assert.Equal(new UInt256(5), journal.GetTransient(EvmHarness.ContractAddress, 1));
    }

    [Fact]
    public void Selfdestruct_of_an_existing_contract_only_moves_its_balance()
    {
        var harness = new EvmHarness().WithCode(new Bytecode().Push(EvmHarness.OtherAddress).Op(Opcode.SELFDESTRUCT), balance: 500);
        var result = harness.Transact(harness.NewTransaction(EvmHarness.ContractAddress));

        Assert.True(result.Succeeded);
        Assert.True(harness.Exists(EvmHarness.ContractAddress));
        Assert.NotEmpty(harness.State.GetCodeOf(EvmHarness.ContractAddress));
        Assert.Equal(UInt256.Zero, harness.BalanceOf(EvmHarness.ContractAddress));
        Assert.Equal(new UInt256(500), harness.BalanceOf(EvmHarness.OtherAddress));
    }

    [Fact]
    public void Selfdestruct_in_the_creating_transaction_deletes_the_contract()
    {
        // Init code that self-destructs to OtherAddress: nothing is left at the new address.
        var init = new Bytecode().Push(EvmHarness.OtherAddress).Op(Opcode.SELFDESTRUCT).ToArray();
        var harness = new EvmHarness();
        var result = harness.Transact(harness.NewTransaction(to: null, data: init, value: 300));

        Assert.True(result.Succeeded);
        Assert.False(harness.Exists(ContractAddress.From(EvmHarness.Sender, 0)));
        Assert.Equal(new UInt256(300), harness.BalanceOf(EvmHarness.OtherAddress));
    }

    [Fact]
    public void Selfdestruct_before_cancun_deletes_any_contract()
    {
        var harness = new EvmHarness(EvmSpecs.Shanghai).WithCode(new Bytecode().Push(EvmHarness.OtherAddress).Op(Opcode.SELFDESTRUCT), balance: 500);
        harness.Transact(harness.NewTransaction(EvmHarness.ContractAddress));
        Assert.False(harness.Exists(EvmHarness.ContractAddress));
    }

    [Fact]
    public void Blobhash_returns_the_versioned_hashes_and_zero_past_the_end()
    {
        var journal = new JournaledState();
        var state = new InMemoryState();
        var code = new Bytecode().Push(1).Op(Opcode.BLOBHASH).Push(2).Op(Opcode.BLOBHASH).Op(Opcode.ADD).ReturnTop().ToArray();
        state.SetAccount(EvmHarness.ContractAddress, 1, UInt256.Zero, code);
        journal.Begin(state);
        var vm = new VirtualMachine(EvmSpecs.Cancun, new Hyperion.Evm.Precompiles.PrecompileTable(), journal);
        var second = Hash256.FromUInt256(UInt256.Parse("0x01000000000000000000000000000000000000000000000000000000000000ff"));
        vm.SetContext(new BlockContext { ExcessBlobGas = 0 }, EvmHarness.Sender, 1, [Hash256.Zero, second]);
        var result = vm.Execute(new Message(FrameKind.Call, EvmHarness.Sender, EvmHarness.ContractAddress, UInt256.Zero, [], 100_000));
        Assert.Equal(second.ToUInt256(), EvmHarness.Word(result.Output));
    }

    [Fact]
    public void Blobbasefee_reads_the_blocks_blob_base_fee()
    {
        var harness = new EvmHarness { Block = new EvmHarness().Block with { ExcessBlobGas = 2_314_058 } }
            .WithCode(new Bytecode().Op(Opcode.BLOBBASEFEE).ReturnTop());
        Assert.Equal(new UInt256(2), EvmHarness.Word(harness.Run().Result.Output));
    }
}
