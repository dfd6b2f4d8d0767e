using System.Text;
using CsCheck;
using Hyperion.Core.Crypto;
using Nethereum.Util;

namespace Hyperion.Core.Tests.Crypto;

public sealed class Keccak256Tests
{
    [Theory]
    [InlineData("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")]
    [InlineData("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")]
    [InlineData("The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15")]
    [InlineData("transfer(address,uint256)", "a9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b")]
    public void Known_vectors(string text, string expectedHex)
    {
        Assert.Equal("0x" + expectedHex, Keccak256.Compute(Encoding.UTF8.GetBytes(text)).ToString());
    }

    [Fact]
    public void Empty_list_hash_is_the_empty_ommers_hash()
    {
        Assert.Equal("0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347", Keccak256.OfEmptyList.ToString());
    }

    [Fact]
    public void Matches_an_independent_implementation_at_every_length_around_the_rate()
    {
        var nethereum = new Sha3Keccack();
        var random = new Random(1234);
        for (var length = 0; length <= (3 * Keccak256.Rate) + 1; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(nethereum.CalculateHash(data), Keccak256.Compute(data).ToArray());
        }
    }

    [Fact]
    public void Matches_an_independent_implementation_on_random_inputs()
    {
        var nethereum = new Sha3Keccack();
        Gen.Byte.Array[0, 2000].Sample(data =>
            Assert.Equal(nethereum.CalculateHash(data), Keccak256.Compute(data).ToArray()), iter: 500);
    }

    [Fact]
    public void Incremental_hashing_in_any_pieces_equals_one_shot()
    {
        Gen.Select(Gen.Byte.Array[0, 1000], Gen.Int[1, 300]).Sample((data, piece) =>
        {
            var hasher = default(Keccak256);
            for (var offset = 0; offset < data.Length; offset += piece)
            {
                hasher.Update(data.AsSpan(offset, Math.Min(piece, data.Length - offset)));
            }

            Assert.Equal(Keccak256.Compute(data), hasher.Finish());
        }, iter: 500);
    }

    [Fact]
    public void Output_shorter_than_32_bytes_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Keccak256.Compute([1, 2, 3], new byte[31]));
    }
}
