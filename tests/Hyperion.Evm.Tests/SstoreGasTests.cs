using Hyperion.Core;

namespace Hyperion.Evm.Tests;

/// <summary>SSTORE's net gas metering under Cancun (EIP-2200 with EIP-2929 prices and EIP-3529 refunds).</summary>
public sealed class SstoreGasTests
{
    /// <summary>EIP-3529's table: code, gas used with the slot already warm, refund, original value of slot 0.</summary>
    public static TheoryData<string, long, long, ulong> Eip3529Cases => new()
    {
        { "0x60006000556000600055", 212, 0, 0 },
        { "0x60006000556001600055", 20112, 0, 0 },
        { "0x60016000556000600055", 20112, 19900, 0 },
        { "0x60016000556002600055", 20112, 0, 0 },
        { "0x60016000556001600055", 20112, 0, 0 },
        { "0x60006000556000600055", 3012, 4800, 1 },
        { "0x60006000556001600055", 3012, 2800, 1 },
        { "0x60006000556002600055", 3012, 0, 1 },
        { "0x60026000556000600055", 3012, 4800, 1 },
        { "0x60026000556003600055", 3012, 0, 1 },
        { "0x60026000556001600055", 3012, 2800, 1 },
        { "0x60026000556002600055", 3012, 0, 1 },
        { "0x60016000556000600055", 3012, 4800, 1 },
        { "0x60016000556002600055", 3012, 0, 1 },
        { "0x60016000556001600055", 212, 0, 1 },
        { "0x600160005560006000556001600055", 40118, 19900, 0 },
        { "0x600060005560016000556000600055", 5918, 7600, 1 },
    };

    [Theory]
    [MemberData(nameof(Eip3529Cases))]
    public void Net_metering_matches_the_eip_3529_table(string code, long expectedGas, long expectedRefund, ulong original)
    {
        var harness = new EvmHarness().WithCode(Hex.Decode(code));
        harness.State.SetStorage(EvmHarness.ContractAddress, UInt256.Zero, original);
        var (result, journal) = harness.Run(prepare: state => state.WarmUpSlot(EvmHarness.ContractAddress, UInt256.Zero));

        Assert.True(result.IsSuccess);
        Assert.Equal(expectedGas, 1_000_000 - result.GasLeft);
        Assert.Equal(expectedRefund, journal.Refund);
    }

    [Fact]
    public void A_cold_slot_costs_2100_more()
    {
        var harness = new EvmHarness().WithCode(Hex.Decode("0x60006000556000600055"));
        Assert.Equal(212 + GasCosts.ColdSload, harness.GasUsedBy());
    }

    [Fact]
    public void Sstore_with_no_more_than_the_stipend_left_runs_out_of_gas()
    {
        // Two pushes (5 gas) leave exactly 2300 for SSTORE, which EIP-2200 refuses even for a no-op.
        var harness = new EvmHarness().WithCode(Hex.Decode("0x5f5f55"));
        var (result, _) = harness.Run(gas: 2304, prepare: state => state.WarmUpSlot(EvmHarness.ContractAddress, UInt256.Zero));
        Assert.Equal(EvmStatus.OutOfGas, result.Status);

        (result, _) = harness.Run(gas: 2305, prepare: state => state.WarmUpSlot(EvmHarness.ContractAddress, UInt256.Zero));
        Assert.Equal(EvmStatus.Stopped, result.Status);
    }

    [Fact]
    public void Istanbul_prices_a_no_op_write_at_800_and_petersburg_at_5000()
    {
        var code = Hex.Decode("0x60006000556000600055");
        Assert.Equal(6 + 800 + 6 + 800, new EvmHarness(EvmSpecs.Istanbul).WithCode(code).GasUsedBy());
        Assert.Equal(6 + 5000 + 6 + 5000, new EvmHarness(EvmSpecs.Petersburg).WithCode(code).GasUsedBy());
    }
}
