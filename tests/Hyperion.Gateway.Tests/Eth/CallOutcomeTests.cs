using Hyperion.Core;
using Hyperion.Gateway.Modules.Eth;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class CallOutcomeTests
{
    // require(false, "Not enough Ether provided.") as solc encodes it: Error(string).
    private const string ErrorStringRevert =
        "0x08c379a0" +
        "0000000000000000000000000000000000000000000000000000000000000020" +
        "000000000000000000000000000000000000000000000000000000000000001a" +
        "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000";

    [Fact]
    public void A_revert_with_a_reason_string_is_code_3_with_the_reason_and_the_revert_bytes()
    {
        var error = CallOutcome.Failure(new CallResult(false, Hex.Decode(ErrorStringRevert), 23_000, "execution reverted"));
        Assert.Equal(3, error.Code);
        Assert.Equal("execution reverted: Not enough Ether provided.", error.Message);
        Assert.Equal(ErrorStringRevert, error.ErrorData);
    }

    [Theory]
    [InlineData("11", "execution reverted: arithmetic underflow or overflow")]
    [InlineData("01", "execution reverted: assert(false)")]
    [InlineData("12", "execution reverted: division or modulo by zero")]
    [InlineData("99", "execution reverted: unknown panic code: 0x99")]
    public void A_panic_is_code_3_with_its_meaning(string code, string message)
    {
        var data = Hex.Decode("0x4e487b71" + new string('0', 62) + code);
        var error = CallOutcome.Failure(new CallResult(false, data, 0, "execution reverted"));
        Assert.Equal(3, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_custom_error_is_code_3_with_its_bytes_for_the_client_to_decode()
    {
        var data = Hex.Decode("0xe450d38c00000000000000000000000000000000000000000000000000000000000000ff");
        var error = CallOutcome.Failure(new CallResult(false, data, 0, "execution reverted"));
        Assert.Equal(3, error.Code);
        Assert.Equal("execution reverted", error.Message);
        Assert.Equal(Hex.Encode(data), error.ErrorData);
    }

    [Fact]
    public void A_revert_without_data_and_other_failures_are_minus_32000_without_data()
    {
        var bare = CallOutcome.Failure(new CallResult(false, [], 0, "execution reverted"));
        Assert.Equal((-32000, "execution reverted", (object?)null), (bare.Code, bare.Message, bare.ErrorData));
        var outOfGas = CallOutcome.Failure(new CallResult(false, [], 0, "out of gas"));
        Assert.Equal((-32000, "out of gas"), (outOfGas.Code, outOfGas.Message));
    }

    [Theory]
    [InlineData("0x08c379a0")]
    [InlineData("0x08c379a0" + "00000000000000000000000000000000000000000000000000000000000000ff")]
    [InlineData("0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020" + "00000000000000000000000000000000000000000000000000000000000000ff")]
    [InlineData("0x1234")]
    public void Malformed_reasons_give_no_reason(string data)
    {
        Assert.Null(CallOutcome.DecodeRevertReason(Hex.Decode(data)));
    }
}
