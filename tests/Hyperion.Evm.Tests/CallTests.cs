using Hyperion.Core;

namespace Hyperion.Evm.Tests;

/// <summary>The CALL family: EIP-150's all-but-one-64th, the stipend, value and new-account costs, static calls.</summary>
public sealed class CallTests
{
    private static readonly Address Callee = EvmHarness.OtherAddress;

    /// <summary>Callee code that returns what GAS says (its gas after GAS's own 2).</summary>
    private static readonly byte[] ReturnsItsGas = new Bytecode().Op(Opcode.GAS).ReturnTop();

    [Fact]
    public void A_call_asking_for_everything_gets_all_but_one_64th()
    {
        const long gas = 100_000;
        var caller = CallAndReturnOutput(requestedGas: UInt256.MaxValue, value: 0);
        var harness = new EvmHarness().WithCode(caller).WithCode(ReturnsItsGas, Callee);
        var (result, _) = harness.Run(gas);

        // Before CALL: six pushes (PUSH1 32, four PUSH0, PUSH20) 3+2·4+3, PUSH32 3; then CALL: 100 warm + 2500 cold + 3 memory.
        var available = gas - (3 + 8 + 3 + 3) - 100 - 2500 - 3;
        var forwarded = available - (available / 64);
        Assert.True(result.IsSuccess);
        Assert.Equal(new UInt256((ulong)(forwarded - 2)), EvmHarness.Word(result.Output));
    }

    [Fact]
    public void A_value_call_adds_the_2300_stipend_for_free()
    {
        var caller = CallAndReturnOutput(requestedGas: 0, value: 1);
        var harness = new EvmHarness().WithCode(caller, balance: 10).WithCode(ReturnsItsGas, Callee);
        var (result, _) = harness.Run();
        Assert.True(result.IsSuccess);
        Assert.Equal(new UInt256(2300 - 2), EvmHarness.Word(result.Output));
    }

    [Fact]
    public void Sending_value_to_an_empty_account_pays_for_a_new_account()
    {
        var toEmpty = new Bytecode().Push(0).Push(0).Push(0).Push(0).Push(1).Push(Callee).Push(0).Op(Opcode.CALL);
        var harness = new EvmHarness().WithCode(toEmpty, balance: 10);

        // Five PUSH0 and PUSH1 and PUSH20: 2·5 + 3 + 3; CALL: 100 + 2500 cold + 9000 value + 25000 new account, minus the stipend returned.
        Assert.Equal(16 + 100 + 2500 + 9000 + 25_000 - 2300, harness.GasUsedBy());
    }

    [Fact]
    public void Value_transfers_are_forbidden_in_a_static_call()
    {
        // The contract STATICCALLs the callee, which tries a CALL with value: an exceptional halt that burns its gas.
        var caller = new Bytecode().Push(0).Push(0).Push(0).Push(0).Push(Callee).Op(Opcode.GAS, Opcode.STATICCALL).ReturnTop();
        var sendsValue = new Bytecode().Push(0).Push(0).Push(0).Push(0).Push(1).Push(EvmHarness.CoinbaseAddress).Op(Opcode.GAS, Opcode.CALL, Opcode.STOP);
        var harness = new EvmHarness().WithCode(caller).WithCode(sendsValue, Callee, balance: 10);
        var (result, _) = harness.Run(gas: 100_000);

        Assert.True(result.IsSuccess);
        Assert.Equal(UInt256.Zero, EvmHarness.Word(result.Output));
        Assert.True(result.GasLeft < 100_000 / 60, $"the callee should have burned its gas, {result.GasLeft} left");
    }

    [Fact]
    public void Returndatacopy_past_the_end_of_the_return_data_halts()
    {
        // No call was made, so there is no return data: copying one byte fails and consumes all gas.
        var code = new Bytecode().Push(1).Push(0).Push(0).Op(Opcode.RETURNDATACOPY);
        var (result, _) = new EvmHarness().WithCode(code).Run();
        Assert.Equal(EvmStatus.ReturnDataOutOfBounds, result.Status);
        Assert.Equal(0, result.GasLeft);
    }

    [Fact]
    public void A_reverting_callee_returns_its_gas_and_its_revert_data()
    {
        var reverts = new Bytecode().Push(0xab).Push(0).Op(Opcode.MSTORE8).Push(1).Push(0).Op(Opcode.REVERT);
        var caller = new Bytecode()
            .Push(0).Push(0).Push(0).Push(0).Push(0).Push(Callee).Push(50_000).Op(Opcode.CALL)
            .Op(Opcode.RETURNDATASIZE).Op(Opcode.ADD).ReturnTop();
        var harness = new EvmHarness().WithCode(caller).WithCode(reverts, Callee);
        var (result, _) = harness.Run();

        // CALL pushed 0 (failure) and RETURNDATASIZE 1.
        Assert.Equal(UInt256.One, EvmHarness.Word(result.Output));
        Assert.True(result.GasLeft > 1_000_000 - 10_000);
    }

    private static byte[] CallAndReturnOutput(UInt256 requestedGas, ulong value)
    {
        var code = new Bytecode().Push(32).Push(0).Push(0).Push(0);
        code = value == 0 ? code.Push(0) : code.Raw((byte)Opcode.PUSH1, (byte)value);
        return code.Push(Callee).Push32(requestedGas).Op(Opcode.CALL, Opcode.POP)
            .Push(0).Op(Opcode.MLOAD).ReturnTop();
    }
}
