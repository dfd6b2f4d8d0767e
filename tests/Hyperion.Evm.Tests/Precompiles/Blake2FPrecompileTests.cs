using Hyperion.Core;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm.Tests.Precompiles;

public sealed class Blake2FPrecompileTests
{
    private static readonly Blake2FPrecompile Precompile = Blake2FPrecompile.Instance;

    // EIP-152's test vector 5: BLAKE2b-512("abc") as one F call with 12 rounds.
    private const string AbcInput =
        "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e13"
        + "19cde05b616263000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        + "000000000300000000000000000000000000000001";

    [Fact]
    public void Computes_blake2b_of_abc()
    {
        var input = Hex.Decode(AbcInput);
        Assert.Equal(213, input.Length);
        Assert.True(Precompile.TryRun(input, out var output));
        Assert.Equal(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
            Hex.Encode(output, withPrefix: false));
        Assert.Equal(12, Precompile.GasCost(input));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(212)]
    [InlineData(214)]
    public void Any_length_but_213_fails_and_costs_nothing(int length)
    {
        var input = new byte[length];
        Assert.False(Precompile.TryRun(input, out var output));
        Assert.Empty(output);
        Assert.Equal(0, Precompile.GasCost(input));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0x80)]
    [InlineData(0xff)]
    public void A_final_flag_other_than_0_or_1_fails(byte flag)
    {
        var input = Hex.Decode(AbcInput);
        input[212] = flag;
        Assert.False(Precompile.TryRun(input, out _));
    }

    [Fact]
    public void Gas_is_the_round_count_as_a_big_endian_32_bit_number()
    {
        var input = Hex.Decode(AbcInput);
        input[0] = 0xff;
        input[1] = 0xff;
        input[2] = 0xff;
        input[3] = 0xff;
        Assert.Equal(uint.MaxValue, Precompile.GasCost(input));
    }
}
