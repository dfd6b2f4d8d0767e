using System.Text.Json;
using Hyperion.Core;
using Hyperion.Gateway.Modules.Eth;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class RpcHexTests
{
    [Theory]
    [InlineData(0UL, "0x0")]
    [InlineData(1UL, "0x1")]
    [InlineData(15UL, "0xf")]
    [InlineData(16UL, "0x10")]
    [InlineData(21_000UL, "0x5208")]
    [InlineData(0x0123456789abcdefUL, "0x123456789abcdef")]
    [InlineData(ulong.MaxValue, "0xffffffffffffffff")]
    public void A_64_bit_quantity_has_no_leading_zeros(ulong value, string expected)
    {
        Assert.Equal(expected, RpcHex.Quantity(value));
        Assert.Equal(expected, RpcHex.Quantity(new UInt256(value)));
    }

    [Theory]
    [InlineData("0x10000000000000000")]
    [InlineData("0x21e19e0c9bab2400000")] // 10,000 ether
    [InlineData("0x100000000000000000000000000000000")]
    [InlineData("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    [InlineData("0x1000000000000000000000000000000000000000000000000000000000000000")]
    public void A_256_bit_quantity_has_no_leading_zeros(string hex)
    {
        Assert.Equal(hex, RpcHex.Quantity(UInt256.Parse(hex)));
    }

    [Fact]
    public void Data_is_0x_and_two_lower_case_digits_a_byte()
    {
        Assert.Equal("0x", RpcHex.Data([]));
        Assert.Equal("0x00ff0a", RpcHex.Data([0x00, 0xff, 0x0a]));
    }

    [Fact]
    public void Long_data_is_written_whole()
    {
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        var json = EthJson.Write(writer => writer.WriteDataValue(bytes));
        Assert.Equal("\"" + Hex.Encode(bytes) + "\"", json);
    }

    [Fact]
    public void Addresses_hashes_and_nulls_are_written_as_geth_writes_them()
    {
        var address = Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        var json = EthJson.Write(writer =>
        {
            writer.WriteStartObject();
            writer.WriteAddress("from", address);
            writer.WriteAddressOrNull("to", null);
            writer.WriteHash("hash", Hash256.Zero);
            writer.WriteQuantityOrNull("blockNumber", null);
            writer.WriteQuantityOrNull("index", 0);
            writer.WriteEndObject();
        });
        EthJson.Equal(
            """
            {
              "from": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
              "to": null,
              "hash": "0x0000000000000000000000000000000000000000000000000000000000000000",
              "blockNumber": null,
              "index": "0x0"
            }
            """,
            json);
    }

    [Fact]
    public void A_result_written_ahead_is_copied_into_the_response_unchanged()
    {
        var result = RpcJson.Write(7UL, static (writer, value) =>
        {
            writer.WriteStartObject();
            writer.WriteQuantity("n", value);
            writer.WriteEndObject();
        });
        Assert.Equal("""{"n":"0x7"}""", JsonSerializer.Serialize<object>(result));
    }
}
