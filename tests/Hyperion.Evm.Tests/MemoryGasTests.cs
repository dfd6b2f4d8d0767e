using Hyperion.Core;

namespace Hyperion.Evm.Tests;

/// <summary>Memory expansion: 3 gas a word plus words²/512 for the total size, charged as it grows.</summary>
public sealed class MemoryGasTests
{
    [Fact]
    public void The_first_word_costs_three()
    {
        // PUSH1 1, PUSH0, MSTORE: 3 + 2 + 3, and one word of memory.
        var code = new Bytecode().Push(1).Push(0).Op(Opcode.MSTORE);
        Assert.Equal(3 + 2 + 3 + 3, new EvmHarness().WithCode(code).GasUsedBy());
    }

    [Fact]
    public void Expansion_is_quadratic_in_the_total_size()
    {
        // MLOAD of the 1024th word: 3·1024 + 1024²/512 for the memory.
        var code = new Bytecode().Push(1023 * 32).Op(Opcode.MLOAD);
        Assert.Equal(3 + 3 + (3 * 1024) + (1024 * 1024 / 512), new EvmHarness().WithCode(code).GasUsedBy());
        Assert.Equal((3 * 1024) + (1024 * 1024 / 512), EvmMemory.Cost(1024));
    }

    [Fact]
    public void Growing_in_two_steps_costs_the_same_as_one()
    {
        var twoSteps = new Bytecode().Push(0).Op(Opcode.MLOAD, Opcode.POP).Push(5000).Op(Opcode.MLOAD);
        var oneStep = new Bytecode().Push(0).Op(Opcode.PUSH0, Opcode.POP, Opcode.POP).Push(5000).Op(Opcode.MLOAD);

        // Both programs run the same instructions apart from MLOAD vs PUSH0 + POP (3 vs 2 + 2) at offset 0.
        Assert.Equal(new EvmHarness().WithCode(oneStep).GasUsedBy() - 1, new EvmHarness().WithCode(twoSteps).GasUsedBy());
    }

    [Fact]
    public void A_zero_length_range_does_not_expand_memory_whatever_its_offset()
    {
        // CALLDATACOPY(2^255, 0, 0) then MSIZE.
        var code = new Bytecode().Push(0).Push(0).Push32(UInt256.One << 255).Op(Opcode.CALLDATACOPY, Opcode.MSIZE).ReturnTop();
        var (result, _) = new EvmHarness().WithCode(code).Run();
        Assert.True(result.IsSuccess);
        Assert.Equal(UInt256.Zero, EvmHarness.Word(result.Output));
    }

    [Fact]
    public void An_offset_beyond_any_gas_halts_out_of_gas()
    {
        var code = new Bytecode().Push(1).Push32(UInt256.One << 64).Op(Opcode.MSTORE);
        var (result, _) = new EvmHarness().WithCode(code).Run();
        Assert.Equal(EvmStatus.OutOfGas, result.Status);
        Assert.Equal(0, result.GasLeft);
    }

    [Fact]
    public void Msize_rounds_up_to_whole_words()
    {
        var code = new Bytecode().Push(0xff).Push(32).Op(Opcode.MSTORE8, Opcode.MSIZE).ReturnTop();
        var (result, _) = new EvmHarness().WithCode(code).Run();
        Assert.Equal(new UInt256(64), EvmHarness.Word(result.Output));
    }

    [Fact]
    public void Mcopy_handles_overlapping_ranges_and_charges_per_word()
    {
        // Store 0x0102..20 at 0, MCOPY(dst 1, src 0, len 32): the bytes move right by one.
        var word = UInt256.FromBigEndian(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var code = new Bytecode().Push32(word).Push(0).Op(Opcode.MSTORE)
            .Push(32).Push(0).Push(1).Op(Opcode.MCOPY)
            .Push(0).Op(Opcode.MLOAD).ReturnTop();
        var (result, _) = new EvmHarness().WithCode(code).Run();
        var expected = new byte[32];
        expected[0] = 1;
        for (var i = 1; i < 32; i++)
        {
            expected[i] = (byte)i;
        }

        Assert.Equal(UInt256.FromBigEndian(expected), EvmHarness.Word(result.Output));
    }
}
