using System.Text.Json;
using Hyperion.Core;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class RpcArgsTests
{
    internal static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    internal static void AssertInvalidParams(Action read, string expectedMessage)
    {
        var error = Assert.Throws<RpcException>(read);
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, error.Code);
        Assert.Equal(expectedMessage, error.Message);
    }

    [Theory]
    [InlineData("\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266\"")]
    [InlineData("\"0xF39FD6E51AAD88F6F4CE6AB8827279CFFFB92266\"")]
    [InlineData("\"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\"")]
    [InlineData("\"0XF39fd6e51aad88f6f4ce6ab8827279cfffb92266\"")]
    [InlineData("\"0x\\u006639fd6e51aad88f6f4ce6ab8827279cfffb92266\"")]
    public void An_address_is_read_in_any_letter_case(string json)
    {
        Assert.Equal(Address.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"), RpcArgs.ReadAddress(Json(json), 0));
    }

    [Theory]
    [InlineData("\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb922\"", "invalid argument 0: hex string has length 38, want 40 for an address")]
    [InlineData("\"0xf39fd6e51aad88f6f4ce6ab8827279cfffb9226600\"", "invalid argument 0: hex string has length 42, want 40 for an address")]
    [InlineData("\"f39fd6e51aad88f6f4ce6ab8827279cfffb92266\"", "invalid argument 0: hex string without 0x prefix")]
    [InlineData("\"0xg39fd6e51aad88f6f4ce6ab8827279cfffb92266\"", "invalid argument 0: invalid hex string")]
    [InlineData("42", "invalid argument 0: expected a hex string")]
    [InlineData("null", "invalid argument 0: missing value")]
    public void A_wrong_address_is_invalid_params_that_says_why(string json, string message)
    {
        AssertInvalidParams(() => RpcArgs.ReadAddress(Json(json), 0), message);
    }

    [Fact]
    public void A_hash_is_exactly_32_bytes()
    {
        var hex = "0x" + new string('a', 64);
        Assert.Equal(Hash256.Parse(hex), RpcArgs.ReadHash(Json($"\"{hex}\""), 0));
        AssertInvalidParams(
            () => RpcArgs.ReadHash(Json($"\"0x{new string('a', 62)}\""), 1),
            "invalid argument 1: hex string has length 62, want 64 for a hash");
    }

    [Theory]
    [InlineData("\"0x0\"", 0UL)]
    [InlineData("\"0x1\"", 1UL)]
    [InlineData("\"0x5208\"", 21_000UL)]
    [InlineData("\"0xFFFFFFFFFFFFFFFF\"", ulong.MaxValue)]
    public void A_quantity_is_read(string json, ulong expected)
    {
        Assert.Equal(expected, RpcArgs.ReadUInt64(Json(json), 0));
        Assert.Equal(new UInt256(expected), RpcArgs.ReadUInt256(Json(json), 0));
    }

    [Theory]
    [InlineData("\"0x01\"", "invalid argument 0: hex number with leading zero digits")]
    [InlineData("\"0x\"", "invalid argument 0: hex string \"0x\" holds no number")]
    [InlineData("\"12\"", "invalid argument 0: hex string without 0x prefix")]
    [InlineData("\"0x10000000000000000\"", "invalid argument 0: hex number > 64 bits")]
    [InlineData("\"0x1z\"", "invalid argument 0: invalid hex string")]
    [InlineData("12", "invalid argument 0: expected a hex string")]
    public void A_malformed_64_bit_quantity_is_refused_as_geth_refuses_it(string json, string message)
    {
        AssertInvalidParams(() => RpcArgs.ReadUInt64(Json(json), 0), message);
    }

    [Fact]
    public void A_256_bit_quantity_refuses_a_257th_bit_and_names_the_field()
    {
        var max = "0x" + new string('f', 64);
        Assert.Equal(UInt256.MaxValue, RpcArgs.ReadUInt256(Json($"\"{max}\""), 0));
        AssertInvalidParams(
            () => RpcArgs.ReadUInt256(Json($"\"0x1{new string('0', 64)}\""), 0, "value"),
            "invalid argument 0: value: hex number > 256 bits");
    }

    [Theory]
    [InlineData("\"0x0\"", "0x0")]
    [InlineData("\"0x00\"", "0x0")]
    [InlineData("\"0x1\"", "0x1")]
    [InlineData("\"0x0000000000000000000000000000000000000000000000000000000000000002\"", "0x2")]
    [InlineData("\"0x00000000000000000000000000000000000000000000000000000000000000000003\"", "0x3")]
    public void A_storage_slot_takes_any_number_of_digits_up_to_32_bytes(string json, string expected)
    {
        Assert.Equal(UInt256.Parse(expected), RpcArgs.ReadStorageSlot(Json(json), 1));
    }

    [Fact]
    public void A_storage_slot_over_32_bytes_is_refused()
    {
        AssertInvalidParams(
            () => RpcArgs.ReadStorageSlot(Json($"\"0x1{new string('0', 64)}\""), 1),
            "invalid argument 1: hex string too long, want at most 32 bytes");
    }

    [Fact]
    public void Data_must_have_an_even_number_of_digits()
    {
        Assert.Equal([], RpcArgs.ReadData(Json("\"0x\""), 0));
        Assert.Equal([0xab, 0xcd], RpcArgs.ReadData(Json("\"0xABcd\""), 0));
        AssertInvalidParams(() => RpcArgs.ReadData(Json("\"0xabc\""), 0), "invalid argument 0: hex string of odd length");
    }

    [Fact]
    public void A_boolean_defaults_when_left_out()
    {
        Assert.True(RpcArgs.ReadBool(Json("true"), 1, absent: false));
        Assert.False(RpcArgs.ReadBool(default, 1, absent: false));
        AssertInvalidParams(() => RpcArgs.ReadBool(Json("\"true\""), 1, absent: false), "invalid argument 1: expected true or false");
    }
}
