using Hyperion.Core;
using Hyperion.Gateway.Modules.Eth;
using static Hyperion.Gateway.Tests.Eth.RpcArgsTests;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class BlockParameterTests
{
    [Theory]
    [InlineData("\"latest\"", "Latest", true)]
    [InlineData("\"pending\"", "Pending", true)]
    [InlineData("\"safe\"", "Safe", true)]
    [InlineData("\"finalized\"", "Finalized", true)]
    [InlineData("\"earliest\"", "Earliest", false)]
    [InlineData("\"0x2a\"", "Number", false)]
    public void Tags_and_numbers_are_read(string json, string kindName, bool isHead)
    {
        var kind = Enum.Parse<BlockParameterKind>(kindName);
        var block = BlockParameter.ReadNumber(Json(json), 1);
        Assert.Equal(kind, block.Kind);
        Assert.Equal(isHead, block.IsHead);
        Assert.Equal(kind == BlockParameterKind.Number ? 42UL : 0UL, block.Number);
    }

    [Fact]
    public void A_left_out_block_means_latest()
    {
        Assert.Equal(BlockParameter.Latest, BlockParameter.ReadNumber(default, 1));
        Assert.Equal(BlockParameter.Latest, BlockParameter.ReadNumberOrHash(Json("null"), 1));
    }

    [Theory]
    [InlineData("\"Latest\"", "invalid argument 1: hex string without 0x prefix")]
    [InlineData("\"0x02\"", "invalid argument 1: hex number with leading zero digits")]
    [InlineData("\"0x8000000000000000\"", "invalid argument 1: block number larger than int64")]
    [InlineData("7", "invalid argument 1: expected a hex string")]
    public void A_wrong_block_is_invalid_params(string json, string message)
    {
        AssertInvalidParams(() => BlockParameter.ReadNumber(Json(json), 1), message);
    }

    [Fact]
    public void A_block_hash_is_taken_bare_or_as_EIP_1898_object()
    {
        var hash = "0x" + string.Concat(Enumerable.Repeat("ab", 32));
        var bare = BlockParameter.ReadNumberOrHash(Json($"\"{hash}\""), 1);
        Assert.Equal(new BlockParameter(BlockParameterKind.Hash, 0, Hash256.Parse(hash)), bare);
        Assert.Equal(bare, BlockParameter.ReadNumberOrHash(Json($$"""{"blockHash":"{{hash}}","requireCanonical":true}"""), 1));
        Assert.Equal(
            new BlockParameter(BlockParameterKind.Number, 5, default),
            BlockParameter.ReadNumberOrHash(Json("""{"blockNumber":"0x5"}"""), 1));
        AssertInvalidParams(
            () => BlockParameter.ReadNumberOrHash(Json("{}"), 2), "invalid argument 2: give exactly one of blockHash and blockNumber");
    }
}
