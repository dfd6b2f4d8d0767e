using Hyperion.Core;
using Hyperion.Gateway.Modules;
using Hyperion.Gateway.Modules.Eth;
using Hyperion.Grains.Abstractions;
using static Hyperion.Gateway.Tests.Eth.RpcArgsTests;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class FeeHistoryTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.0007, "0.0007")]
    [InlineData(0.001747, "0.001747")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(0.0000001, "1e-7")]
    [InlineData(0.00000015, "1.5e-7")]
    [InlineData(1.2345e-10, "1.2345e-10")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(123456789.0, "123456789")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(-0.25, "-0.25")]
    public void Ratios_are_written_as_Go_writes_a_float64(double value, string expected)
    {
        Assert.Equal(expected, GoFloat.Format(value));
    }

    [Fact]
    public void A_fee_history_is_written_as_geth_writes_it()
    {
        var history = new FeeHistoryRecord(
            OldestBlock: 0x10,
            BaseFeePerGas: [new UInt256(1_000_000_000), new UInt256(875_000_000), new UInt256(765_625_000)],
            GasUsedRatio: [0.0, 0.0007],
            Reward: [[UInt256.Zero, UInt256.Zero], [new UInt256(1_000_000_000), new UInt256(2_000_000_000)]],
            BaseFeePerBlobGas: [UInt256.One, UInt256.One, UInt256.One],
            BlobGasUsedRatio: [0.0, 0.0]);
        var json = EthJson.Write(writer => FeeHistoryJson.Write(writer, history));
        EthJson.Equal(
            """
            {
              "oldestBlock": "0x10",
              "reward": [["0x0", "0x0"], ["0x3b9aca00", "0x77359400"]],
              "baseFeePerGas": ["0x3b9aca00", "0x342770c0", "0x2da282a8"],
              "gasUsedRatio": [0, 0.0007],
              "baseFeePerBlobGas": ["0x1", "0x1", "0x1"],
              "blobGasUsedRatio": [0, 0]
            }
            """,
            json);
    }

    [Fact]
    public void Without_percentiles_or_blobs_those_fields_are_left_out_and_a_zero_count_gives_geths_empty_answer()
    {
        var history = new FeeHistoryRecord(5, [UInt256.One, UInt256.One], [0.25], [], [], []);
        Assert.Equal(
            """{"oldestBlock":"0x5","baseFeePerGas":["0x1","0x1"],"gasUsedRatio":[0.25]}""",
            EthJson.Write(writer => FeeHistoryJson.Write(writer, history)));
        Assert.Equal(
            """{"oldestBlock":"0x0","gasUsedRatio":null}""",
            EthJson.Write(writer => FeeHistoryJson.Write(writer, FeeHistoryJson.Empty)));
    }

    [Theory]
    [InlineData("4", 4UL)]
    [InlineData("\"0x4\"", 4UL)]
    [InlineData("\"0x04\"", 4UL)]
    [InlineData("\"10\"", 10UL)]
    [InlineData("0", 0UL)]
    public void The_block_count_is_a_number_or_a_hex_or_decimal_string(string json, ulong expected)
    {
        Assert.Equal(expected, EthModule.ReadBlockCount(Json(json)));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"ten\"")]
    [InlineData("\"\"")]
    public void A_wrong_block_count_is_invalid_params(string json)
    {
        AssertInvalidParams(
            () => EthModule.ReadBlockCount(Json(json)),
            json.StartsWith('"') ? "invalid argument 0: block count must be a number, in hex (0x…) or decimal" : "invalid argument 0: block count must be a non-negative integer");
    }

    [Fact]
    public void Percentiles_run_from_0_to_100_in_order()
    {
        Assert.Equal([], EthModule.ReadPercentiles(default));
        Assert.Equal([10.0, 50, 50, 99.5], EthModule.ReadPercentiles(Json("[10, 50, 50, 99.5]")));
        AssertInvalidParams(
            () => EthModule.ReadPercentiles(Json("[50, 10]")),
            "invalid argument 2: invalid reward percentile #1: 10 is below #0 (50); list them in increasing order");
        AssertInvalidParams(
            () => EthModule.ReadPercentiles(Json("[101]")),
            "invalid argument 2: invalid reward percentile #0: 101 is not a number from 0 to 100");
        AssertInvalidParams(
            () => EthModule.ReadPercentiles(Json($"[{string.Join(',', Enumerable.Repeat(1, 101))}]")),
            "invalid argument 2: 101 reward percentiles are over the limit of 100");
    }

    [Fact]
    public void The_suggested_tip_is_the_60th_percentile_of_blocks_with_transactions()
    {
        static UInt256 Gwei(ulong n) => new(n * 1_000_000_000);
        var history = new FeeHistoryRecord(
            0,
            [],
            GasUsedRatio: [0.5, 0.0, 0.2, 0.1, 0.3, 0.9],
            Reward: [[Gwei(5)], [UInt256.Zero], [Gwei(1)], [Gwei(3)], [Gwei(2)], [UInt256.One]],
            [],
            []);

        // Tips 5, 1, 3, 2 gwei (the empty block and the 1 wei dust left out): sorted 1, 2, 3, 5; index 3·60/100 = 1.
        Assert.Equal(Gwei(2), TipSuggestion.FromHistory(history));
    }

    [Fact]
    public void With_no_transactions_seen_the_tip_is_1_gwei_and_it_never_passes_500_gwei()
    {
        Assert.Equal(new UInt256(1_000_000_000), TipSuggestion.FromHistory(new FeeHistoryRecord(0, [], [0.0], [[UInt256.Zero]], [], [])));
        var expensive = new FeeHistoryRecord(0, [], [1.0], [[new UInt256(900_000_000_000)]], [], []);
        Assert.Equal(new UInt256(500_000_000_000), TipSuggestion.FromHistory(expensive));
    }
}
