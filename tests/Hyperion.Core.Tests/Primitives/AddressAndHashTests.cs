using Hyperion.Core.Crypto;

namespace Hyperion.Core.Tests.Primitives;

public sealed class AddressAndHashTests
{
    // EIP-55's own examples.
    [Theory]
    [InlineData("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")]
    [InlineData("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")]
    [InlineData("0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB")]
    [InlineData("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb")]
    public void Eip55_checksums_round_trip(string checksummed)
    {
        var address = Address.Parse(checksummed.ToLowerInvariant());
        Assert.Equal(checksummed, address.ToString());
        Assert.Equal(address, Address.Parse(checksummed));
    }

    [Fact]
    public void A_wrong_checksum_is_rejected()
    {
        var error = Assert.Throws<FormatException>(() => Address.Parse("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"));
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0x1234")]
    [InlineData("0xzz5aeb6053f3e94c9b9a09f33669435e7ef1beae")]
    [InlineData("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00")]
    public void Malformed_addresses_are_rejected(string text)
    {
        Assert.False(Address.TryParse(text, out _));
    }

    [Fact]
    public void Address_of_a_public_key_is_the_tail_of_its_keccak()
    {
        var publicKey = new byte[64];
        new Random(7).NextBytes(publicKey);
        var expected = Keccak256.Compute(publicKey).Bytes[12..].ToArray();
        Assert.Equal(expected, Address.FromPublicKey(publicKey).ToArray());
    }

    [Fact]
    public void Hashes_compare_and_parse()
    {
        var a = Keccak256.Compute([1]);
        var b = Keccak256.Compute([2]);
        Assert.NotEqual(a, b);
        Assert.Equal(a, Hash256.Parse(a.ToString()));
        Assert.Equal(a.GetHashCode(), Hash256.Parse(a.ToString()).GetHashCode());
        Assert.Throws<FormatException>(() => Hash256.Parse("0x1234"));
        Assert.True(Hash256.Zero.IsZero);
        Assert.Equal(a.ToUInt256(), Hash256.FromUInt256(a.ToUInt256()).ToUInt256());
    }
}
