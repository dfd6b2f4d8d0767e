using Hyperion.Core;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;
using Hyperion.Grains.Abstractions;
using static Hyperion.Gateway.Tests.Eth.RpcArgsTests;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class LogFilterTests
{
    private const string TokenHex = "0x00000000000000000000000000000000000000aa";
    private const string TransferHex = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
    private const string AliceHex = "0x000000000000000000000000000000000000000000000000000000000000a11c";
    private const string BobHex = "0x0000000000000000000000000000000000000000000000000000000000000b0b";

    private static readonly LogRecord AliceToBob = new(
        Address.Parse(TokenHex), [Hash256.Parse(TransferHex), Hash256.Parse(AliceHex), Hash256.Parse(BobHex)], [1], 0);

    [Theory]
    [InlineData("{}", true)]
    [InlineData($$"""{"address":"{{TokenHex}}"}""", true)]
    [InlineData("""{"address":"0x00000000000000000000000000000000000000bb"}""", false)]
    [InlineData($$"""{"address":["0x00000000000000000000000000000000000000bb","{{TokenHex}}"]}""", true)]
    [InlineData($$"""{"topics":["{{TransferHex}}"]}""", true)]
    [InlineData($$"""{"topics":[null,"{{AliceHex}}"]}""", true)]
    [InlineData($$"""{"topics":[null,"{{BobHex}}"]}""", false)]
    [InlineData($$"""{"topics":[null,null,["{{AliceHex}}","{{BobHex}}"]]}""", true)]
    [InlineData($$"""{"topics":[[],[],[],null]}""", false)]
    [InlineData($$"""{"topics":[[]]}""", true)]
    public void Addresses_and_topic_positions_match_as_in_geth(string json, bool matches)
    {
        Assert.Equal(matches, LogFilter.Read(Json(json), 0).Matches(AliceToBob));
    }

    [Fact]
    public void The_range_defaults_to_latest_and_reads_numbers_and_tags()
    {
        var filter = LogFilter.Read(Json("""{"fromBlock":"0x1","toBlock":"latest"}"""), 0);
        Assert.Equal(new BlockParameter(BlockParameterKind.Number, 1, default), filter.From);
        Assert.Equal(BlockParameterKind.Latest, filter.To.Kind);
        Assert.Equal(BlockParameter.Latest, LogFilter.Read(Json("{}"), 0).From);
        Assert.Null(LogFilter.Read(Json("{}"), 0).BlockHash);
    }

    [Theory]
    [InlineData("\"latest\"", "filter object")]
    [InlineData("""{"blockHash":"0x00000000000000000000000000000000000000000000000000000000000000aa","fromBlock":"0x1"}""", "cannot specify both")]
    [InlineData("""{"topics":[null,null,null,null,null]}""", "too many topic positions")]
    [InlineData("""{"address":"0x1234"}""", "address")]
    [InlineData("""{"topics":"0x00"}""", "topics")]
    public void Bad_filters_are_invalid_params(string json, string expected)
    {
        var error = Assert.Throws<RpcException>(() => LogFilter.Read(Json(json), 0));
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
