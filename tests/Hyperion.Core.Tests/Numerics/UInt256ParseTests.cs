namespace Hyperion.Core.Tests.Numerics;

public sealed class UInt256ParseTests
{
    [Theory]
    [InlineData("0x0", "0")]
    [InlineData("0xff", "255")]
    [InlineData("1000", "1000")]
    [InlineData("0x00000000000000000000000000000000000000000000000000000000000000001", "1")]
    [InlineData("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "115792089237316195423570985008687907853269984665640564039457584007913129639935")]
    public void Valid_text_parses(string text, string expectedDecimal)
    {
        Assert.True(UInt256.TryParse(text, out var value));
        Assert.Equal(expectedDecimal, value.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("0xg1")]
    [InlineData("0x10000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("115792089237316195423570985008687907853269984665640564039457584007913129639936")]
    [InlineData("-1")]
    public void Invalid_or_overflowing_text_is_refused(string text)
    {
        Assert.False(UInt256.TryParse(text, out _));
        Assert.Throws<FormatException>(() => UInt256.Parse(text));
    }
}
