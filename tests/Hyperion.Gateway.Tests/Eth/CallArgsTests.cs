using Hyperion.Core;
using Hyperion.Gateway.Modules.Eth;
using static Hyperion.Gateway.Tests.Eth.RpcArgsTests;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class CallArgsTests
{
    private const ulong ChainId = 133717;

    [Fact]
    public void Every_field_of_a_call_object_is_read()
    {
        var request = CallArgs.Read(
            Json("""
                {
                  "from": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
                  "to": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
                  "gas": "0x5208",
                  "maxFeePerGas": "0x3b9aca00",
                  "maxPriorityFeePerGas": "0x1",
                  "value": "0xde0b6b3a7640000",
                  "input": "0xa9059cbb",
                  "nonce": "0x7",
                  "chainId": "0x20a55",
                  "accessList": [],
                  "type": "0x2"
                }
                """),
            0,
            ChainId);
        Assert.Equal(Address.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), request.From);
        Assert.Equal(Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"), request.To);
        Assert.Equal(21_000UL, request.Gas);
        Assert.Null(request.GasPrice);
        Assert.Equal(new UInt256(1_000_000_000), request.MaxFeePerGas);
        Assert.Equal(UInt256.One, request.MaxPriorityFeePerGas);
        Assert.Equal(new UInt256(1_000_000_000_000_000_000), request.Value);
        Assert.Equal([0xa9, 0x05, 0x9c, 0xbb], request.Data);
    }

    [Fact]
    public void An_empty_call_object_is_a_contract_creation_with_nothing_set()
    {
        var request = CallArgs.Read(Json("""{"to":null,"data":"0x6000"}"""), 0, ChainId);
        Assert.Null(request.From);
        Assert.Null(request.To);
        Assert.Null(request.Gas);
        Assert.Equal(UInt256.Zero, request.Value);
        Assert.Equal([0x60, 0x00], request.Data);
    }

    [Fact]
    public void Data_and_input_may_both_be_given_only_when_equal()
    {
        Assert.Equal([0x01], CallArgs.Read(Json("""{"data":"0x01","input":"0x01"}"""), 0, ChainId).Data);
        AssertInvalidParams(
            () => CallArgs.Read(Json("""{"data":"0x01","input":"0x02"}"""), 0, ChainId),
            "invalid argument 0: both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction call data");
    }

    [Theory]
    [InlineData("""{"gasPrice":"0x1","maxFeePerGas":"0x1"}""", "invalid argument 0: both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified")]
    [InlineData("""{"maxFeePerGas":"0x1","maxPriorityFeePerGas":"0x2"}""", "invalid argument 0: maxFeePerGas (1) < maxPriorityFeePerGas (2)")]
    [InlineData("""{"chainId":"0x1"}""", "invalid argument 0: chainId does not match node's (have=1, want=133717)")]
    [InlineData("""{"gas":"0x05"}""", "invalid argument 0: gas: hex number with leading zero digits")]
    [InlineData("""{"to":"0x1234"}""", "invalid argument 0: to: hex string has length 4, want 40 for an address")]
    [InlineData("[]", "invalid argument 0: expected a call object")]
    public void Contradictory_or_malformed_fields_are_invalid_params(string json, string message)
    {
        AssertInvalidParams(() => CallArgs.Read(Json(json), 0, ChainId), message);
    }
}
