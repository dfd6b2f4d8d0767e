using System.Text;
using Hyperion.Core;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm.Tests.Precompiles;

/// <summary>0x02 sha256, 0x03 ripemd160 and 0x04 identity.</summary>
public sealed class HashPrecompileTests
{
    private static string Run(IPrecompile precompile, byte[] input)
    {
        Assert.True(precompile.TryRun(input, out var output));
        return Hex.Encode(output, withPrefix: false);
    }

    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void Sha256_matches_FIPS_180_vectors(string message, string expected) =>
        Assert.Equal(expected, Run(Sha256Precompile.Instance, Encoding.ASCII.GetBytes(message)));

    // The RIPEMD-160 authors' test vectors; the EVM left-pads the 20-byte digest to a word.
    [Theory]
    [InlineData("", "9c1185a5c5e9fc54612808977ee8f548b2258d31")]
    [InlineData("a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe")]
    [InlineData("abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc")]
    [InlineData("message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "12a053384a9c0c88e405a06c27dcf49ada62eb2b")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "b0e20b6e3116640286ed3a87a5713079b21f5189")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "9b752e45573d4b39f4dbd3323cab82bf63326bfb")]
    public void Ripemd160_matches_the_reference_vectors(string message, string expected) =>
        Assert.Equal(new string('0', 24) + expected, Run(Ripemd160Precompile.Instance, Encoding.ASCII.GetBytes(message)));

    [Fact]
    public void Ripemd160_of_a_million_a()
    {
        var input = new byte[1_000_000];
        input.AsSpan().Fill((byte)'a');
        Assert.Equal(new string('0', 24) + "52783243c1697bdbe16d37f97f68f08325dc1528", Run(Ripemd160Precompile.Instance, input));
    }

    [Fact]
    public void Ripemd160_pads_correctly_at_every_length_around_a_block()
    {
        // 55, 56 and 64 bytes are where the length field moves to a second padding block; the digest of each
        // prefix must differ from its neighbours and be stable.
        var digests = Enumerable.Range(50, 20)
            .Select(n => Run(Ripemd160Precompile.Instance, Encoding.ASCII.GetBytes(new string('x', n))))
            .ToList();
        Assert.Equal(digests.Count, digests.Distinct().Count());
        Assert.All(digests, d => Assert.StartsWith(new string('0', 24), d, StringComparison.Ordinal));
    }

    [Fact]
    public void Identity_returns_its_input()
    {
        var input = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        Assert.True(IdentityPrecompile.Instance.TryRun(input, out var output));
        Assert.Equal(input, output);
        Assert.True(IdentityPrecompile.Instance.TryRun([], out var empty));
        Assert.Empty(empty);
    }

    [Theory]
    [InlineData(0, 60, 600, 15)]
    [InlineData(1, 72, 720, 18)]
    [InlineData(32, 72, 720, 18)]
    [InlineData(33, 84, 840, 21)]
    [InlineData(64, 84, 840, 21)]
    [InlineData(1024, 60 + (12 * 32), 600 + (120 * 32), 15 + (3 * 32))]
    public void Gas_is_a_base_plus_a_price_per_word(int length, long sha256Gas, long ripemdGas, long identityGas)
    {
        var input = new byte[length];
        Assert.Equal(sha256Gas, Sha256Precompile.Instance.GasCost(input));
        Assert.Equal(ripemdGas, Ripemd160Precompile.Instance.GasCost(input));
        Assert.Equal(identityGas, IdentityPrecompile.Instance.GasCost(input));
    }
}
