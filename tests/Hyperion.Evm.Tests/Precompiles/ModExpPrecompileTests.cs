using System.Numerics;
using CsCheck;
using Hyperion.Core;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm.Tests.Precompiles;

public sealed class ModExpPrecompileTests
{
    private static readonly ModExpPrecompile Precompile = ModExpPrecompile.Instance;

    private static byte[] Input(UInt256 baseLength, UInt256 exponentLength, UInt256 modulusLength, params byte[] operands)
    {
        var input = new byte[96 + operands.Length];
        baseLength.WriteBigEndian(input);
        exponentLength.WriteBigEndian(input.AsSpan(32));
        modulusLength.WriteBigEndian(input.AsSpan(64));
        operands.CopyTo(input, 96);
        return input;
    }

    private static byte[] Run(byte[] input)
    {
        Assert.True(Precompile.TryRun(input, out var output));
        return output;
    }

    [Fact]
    public void Matches_BigInteger_ModPow_on_random_operands()
    {
        Gen.Select(Gen.Byte.Array[0, 40], Gen.Byte.Array[0, 40], Gen.Byte.Array[1, 40]).Sample((b, e, m) =>
        {
            var output = Run(Input((ulong)b.Length, (ulong)e.Length, (ulong)m.Length, [.. b, .. e, .. m]));

            var modulus = new BigInteger(m, isUnsigned: true, isBigEndian: true);
            var expected = modulus.IsZero
                ? BigInteger.Zero
                : BigInteger.ModPow(new BigInteger(b, isUnsigned: true, isBigEndian: true), new BigInteger(e, isUnsigned: true, isBigEndian: true), modulus);
            Assert.Equal(m.Length, output.Length);
            Assert.Equal(expected, new BigInteger(output, isUnsigned: true, isBigEndian: true));
        }, iter: 300);
    }

    [Fact]
    public void Empty_input_gives_empty_output_for_the_minimum_price()
    {
        Assert.Empty(Run([]));
        Assert.Equal(200, Precompile.GasCost([]));
    }

    [Fact]
    public void Zero_modulus_length_gives_empty_output_without_reading_huge_operands()
    {
        var input = Input(UInt256.MaxValue, UInt256.MaxValue, UInt256.Zero, 0x05);
        Assert.Empty(Run(input));

        // Base and modulus lengths of zero cost the minimum however long the exponent claims to be.
        Assert.Equal(200, Precompile.GasCost(Input(UInt256.Zero, UInt256.MaxValue, UInt256.Zero)));
        Assert.Empty(Run(Input(UInt256.Zero, UInt256.MaxValue, UInt256.Zero)));
    }

    [Fact]
    public void Huge_lengths_saturate_the_price_instead_of_overflowing_or_allocating()
    {
        Assert.Equal(long.MaxValue, Precompile.GasCost(Input(UInt256.MaxValue, UInt256.One, UInt256.One)));
        Assert.Equal(long.MaxValue, Precompile.GasCost(Input(UInt256.One, UInt256.One, UInt256.MaxValue)));
        Assert.Equal(long.MaxValue, Precompile.GasCost(Input(UInt256.One, UInt256.MaxValue, UInt256.One)));
        Assert.Equal(long.MaxValue, Precompile.GasCost(Input(new UInt256(0, 1), UInt256.One, UInt256.One)));

        // Lengths past 32 bits but whose price still fits: words² · 1 / 3 with words = 2^32 / 8.
        var justOver = (UInt256)(1UL << 32);
        Assert.Equal((long)((1UL << 29) * (1UL << 29) / 3), Precompile.GasCost(Input(justOver, UInt256.Zero, UInt256.One)));

        // Running such an input fails instead of trying to allocate it (it could never have been paid for).
        Assert.False(Precompile.TryRun(Input(UInt256.MaxValue, UInt256.One, UInt256.One), out _));
        Assert.False(Precompile.TryRun(Input(UInt256.One, (UInt256)(ulong)int.MaxValue + 1, UInt256.One), out _));
    }

    [Fact]
    public void Zero_modulus_value_gives_zeros_of_the_modulus_length()
    {
        Assert.Equal(new byte[4], Run(Input(1, 1, 4, 0x03, 0x05, 0, 0, 0, 0)));
    }

    [Fact]
    public void Modulus_one_gives_zero_and_exponent_zero_gives_one()
    {
        Assert.Equal(new byte[] { 0 }, Run(Input(1, 1, 1, 0x03, 0x00, 0x01)));
        Assert.Equal(new byte[] { 0, 1 }, Run(Input(1, 1, 2, 0x03, 0x00, 0x00, 0x07)));
        Assert.Equal(new byte[] { 0, 1 }, Run(Input(0, 0, 2, 0x00, 0x07)));
    }

    [Fact]
    public void Operands_past_the_end_of_the_input_read_as_zeros()
    {
        // base 3, exponent 0x05 followed by a missing byte = 0x0500, modulus entirely missing = 0.
        Assert.Equal(new byte[2], Run(Input(1, 2, 2, 0x03, 0x05)));

        // 3^(0x0500) mod 0x0101 where the modulus's last byte is padding: 0x0100 → 3^1280 mod 256.
        var output = Run(Input(1, 2, 2, 0x03, 0x05, 0x00, 0x01));
        Assert.Equal(BigInteger.ModPow(3, 0x0500, 0x0100), new BigInteger(output, isUnsigned: true, isBigEndian: true));
    }

    [Theory]
    // EIP-2565: max(200, ceil(max(B, M)/8)² · max(iterations, 1) / 3).
    [InlineData(1, 1, 1, new byte[] { 0x01 }, 200)]
    [InlineData(64, 1, 64, new byte[] { 0x03 }, 200)]                  // 64 · 1 / 3 = 21 → 200
    [InlineData(256, 1, 256, new byte[] { 0x03 }, 341)]                // 32² · 1 / 3
    [InlineData(256, 1, 256, new byte[] { 0xff }, 2389)]               // 1024 · 7 / 3
    [InlineData(256, 33, 256, new byte[] { 0x80 }, 89770)]             // 1024 · (8·1 + 255) / 3
    public void Gas_follows_EIP_2565(int baseLength, int exponentLength, int modulusLength, byte[] exponentHead, long expected)
    {
        var operands = new byte[baseLength + exponentLength + modulusLength];
        exponentHead.CopyTo(operands, baseLength);
        var input = Input((ulong)baseLength, (ulong)exponentLength, (ulong)modulusLength, operands);
        Assert.Equal(expected, Precompile.GasCost(input));
    }

    [Fact]
    public void A_long_exponent_is_priced_by_its_length_and_its_first_32_bytes()
    {
        // 40-byte exponent whose first byte is 0x01: the head (first 32 bytes) has its top bit at 255 - 7 = 248.
        var operands = new byte[256 + 40 + 256];
        operands[256] = 0x01;
        var input = Input(256, 40, 256, operands);
        Assert.Equal(1024L * ((8 * (40 - 32)) + 248) / 3, Precompile.GasCost(input));

        // A zero head contributes nothing but the length part.
        var zeroHead = Input(8, 40, 8, new byte[8 + 40 + 8]);
        Assert.Equal(200, Precompile.GasCost(zeroHead));
        var bigZeroHead = Input(256, 40, 256, new byte[256 + 40 + 256]);
        Assert.Equal(1024L * 64 / 3, Precompile.GasCost(bigZeroHead));
    }
}
