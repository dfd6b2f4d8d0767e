using Hyperion.Core;
using Hyperion.Core.Transactions;

namespace Hyperion.Evm.Tests;

/// <summary>EIP-2929's cold and warm accesses, EIP-2930 access lists and EIP-3651's warm coinbase.</summary>
public sealed class AccessListGasTests
{
    [Fact]
    public void The_first_balance_of_an_address_is_cold_and_the_second_warm()
    {
        var code = new Bytecode().Push(EvmHarness.OtherAddress).Op(Opcode.BALANCE).Push(EvmHarness.OtherAddress).Op(Opcode.BALANCE);
        Assert.Equal(3 + 2600 + 3 + 100, new EvmHarness().WithCode(code).GasUsedBy());
    }

    [Theory]
    [InlineData(Opcode.EXTCODESIZE)]
    [InlineData(Opcode.EXTCODEHASH)]
    [InlineData(Opcode.BALANCE)]
    public void Account_reads_of_a_warm_address_cost_100(Opcode opcode)
    {
        var code = new Bytecode().Push(EvmHarness.OtherAddress).Op(opcode);
        var warm = new EvmHarness().WithCode(code).GasUsedBy(prepare: state => state.WarmUpAccount(EvmHarness.OtherAddress));
        Assert.Equal(3 + 100, warm);
    }

    [Fact]
    public void A_cold_sload_costs_2100_and_a_warm_one_100()
    {
        var code = new Bytecode().Push(7).Op(Opcode.SLOAD).Push(7).Op(Opcode.SLOAD);
        Assert.Equal(3 + 2100 + 3 + 100, new EvmHarness().WithCode(code).GasUsedBy());
    }

    [Fact]
    public void An_access_list_entry_trades_execution_gas_for_intrinsic_gas()
    {
        var code = new Bytecode().Push(7).Op(Opcode.SLOAD, Opcode.POP);
        var plain = new EvmHarness().WithCode(code);
        var listed = new EvmHarness().WithCode(code);
        var without = plain.Transact(plain.NewTransaction(EvmHarness.ContractAddress));
        var with = listed.Transact(listed.NewTransaction(
            EvmHarness.ContractAddress,
            accessList: [new AccessListEntry(EvmHarness.ContractAddress, [Hash256.FromUInt256(7)])]));

        // +2400 (address) +1900 (slot) intrinsic, -2000 at SLOAD (the contract itself is warm anyway as the recipient).
        Assert.Equal(without.GasUsed + 2400 + 1900 - 2000, with.GasUsed);
    }

    [Fact]
    public void The_coinbase_is_warm_from_shanghai_on()
    {
        var code = new Bytecode().Op(Opcode.COINBASE, Opcode.BALANCE, Opcode.POP);
        var shanghai = new EvmHarness(EvmSpecs.Shanghai).WithCode(code);
        var paris = new EvmHarness(EvmSpecs.Paris).WithCode(code);
        var warm = shanghai.Transact(shanghai.NewTransaction(EvmHarness.ContractAddress)).GasUsed;
        var cold = paris.Transact(paris.NewTransaction(EvmHarness.ContractAddress)).GasUsed;
        Assert.Equal(2500UL, cold - warm);
    }

    [Fact]
    public void Precompiles_are_warm_in_every_transaction()
    {
        var code = new Bytecode().Push(PrecompileAddress(4)).Op(Opcode.BALANCE, Opcode.POP);
        var harness = new EvmHarness().WithCode(code);
        var result = harness.Transact(harness.NewTransaction(EvmHarness.ContractAddress));
        Assert.Equal(21_000UL + 3 + 100 + 2, result.GasUsed);
    }

    [Fact]
    public void Warmth_gained_in_a_reverted_frame_is_lost()
    {
        // The contract calls the callee, which reads OtherAddress's balance and reverts; then it reads it itself.
        var callee = Address.Parse("0x3000000000000000000000000000000000000003");
        var readsAndReverts = new Bytecode().Push(EvmHarness.OtherAddress).Op(Opcode.BALANCE, Opcode.POP).Push(0).Push(0).Op(Opcode.REVERT);
        var caller = new Bytecode()
            .Push(0).Push(0).Push(0).Push(0).Push(0).Push(callee).Op(Opcode.GAS, Opcode.CALL, Opcode.POP)
            .Op(Opcode.GAS).Push(EvmHarness.OtherAddress).Op(Opcode.BALANCE, Opcode.POP, Opcode.GAS, Opcode.SWAP1, Opcode.SUB).ReturnTop();
        var harness = new EvmHarness().WithCode(caller).WithCode(readsAndReverts, callee);
        var (result, _) = harness.Run();

        // GAS - GAS around PUSH20 + BALANCE + POP + GAS: 3 + 2600 (cold again) + 2 + 2.
        Assert.Equal(new UInt256(3 + 2600 + 2 + 2), EvmHarness.Word(result.Output));
    }

    private static Address PrecompileAddress(byte index)
    {
        var bytes = new byte[20];
        bytes[19] = index;
        return new Address(bytes);
    }
}
