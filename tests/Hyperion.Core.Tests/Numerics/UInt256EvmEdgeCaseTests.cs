using System.Numerics;
using static Hyperion.Core.Tests.Numerics.UInt256Generators;

namespace Hyperion.Core.Tests.Numerics;

/// <summary>The EVM corner cases spelled out, so a failure names the rule it broke.</summary>
public sealed class UInt256EvmEdgeCaseTests
{
    private static readonly UInt256 MinusOne = UInt256.MaxValue;

    private static UInt256 Minus(ulong value) => Wrap(-(BigInteger)value);

    private static UInt256 Hex(string text) => UInt256.Parse(text);

    [Fact]
    public void Division_by_zero_gives_zero()
    {
        var x = Hex("0x1234567890abcdef1234567890abcdef1234567890abcdef");
        UInt256.Divide(x, UInt256.Zero, out var q);
        UInt256.Mod(x, UInt256.Zero, out var r);
        UInt256.DivRem(x, UInt256.Zero, out var q2, out var r2);
        UInt256.SDiv(x, UInt256.Zero, out var sq);
        UInt256.SMod(Minus(5), UInt256.Zero, out var sr);
        UInt256.AddMod(x, x, UInt256.Zero, out var addMod);
        UInt256.MulMod(x, x, UInt256.Zero, out var mulMod);

        Assert.All([q, r, q2, r2, sq, sr, addMod, mulMod], v => Assert.Equal(UInt256.Zero, v));
        Assert.Equal(UInt256.Zero, x / UInt256.Zero);
        Assert.Equal(UInt256.Zero, x % UInt256.Zero);
    }

    [Fact]
    public void SDiv_of_minus_2_255_by_minus_1_overflows_to_minus_2_255()
    {
        UInt256.SDiv(MinSigned, MinusOne, out var result);
        Assert.Equal(MinSigned, result);

        UInt256.SMod(MinSigned, MinusOne, out var remainder);
        Assert.Equal(UInt256.Zero, remainder);
    }

    [Theory]
    [InlineData(-7, 2, -3, -1)]
    [InlineData(7, -2, -3, 1)]
    [InlineData(-7, -2, 3, -1)]
    [InlineData(7, 2, 3, 1)]
    [InlineData(-1, 5, 0, -1)]
    public void SDiv_truncates_and_SMod_follows_the_dividend(long a, long b, long quotient, long remainder)
    {
        UInt256.SDiv(Wrap(a), Wrap(b), out var q);
        UInt256.SMod(Wrap(a), Wrap(b), out var r);
        Assert.Equal(Wrap(quotient), q);
        Assert.Equal(Wrap(remainder), r);
    }

    [Fact]
    public void SignExtend_follows_the_opcode()
    {
        UInt256.SignExtend(UInt256.Zero, new UInt256(0xFF), out var allOnes);
        Assert.Equal(MinusOne, allOnes);

        UInt256.SignExtend(UInt256.Zero, new UInt256(0x7F), out var positive);
        Assert.Equal(new UInt256(0x7F), positive);

        // Bits above the chosen byte are replaced, not kept.
        UInt256.SignExtend(UInt256.Zero, new UInt256(0x1234_0080), out var cleared);
        Assert.Equal(Minus(0x80), cleared);
        UInt256.SignExtend(UInt256.One, new UInt256(0xFFFF_7FFF), out var upperCleared);
        Assert.Equal(new UInt256(0x7FFF), upperCleared);

        // The sign bit at the top of a limb (byte 7 is bits 56..63).
        UInt256.SignExtend(new UInt256(7), new UInt256(1UL << 63), out var limbTop);
        Assert.Equal(new UInt256(1UL << 63, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue), limbTop);

        UInt256.SignExtend(new UInt256(30), new UInt256(0, 0, 0, 0x0080_0000_0000_0000), out var byte30);
        Assert.Equal(new UInt256(0, 0, 0, 0xFF80_0000_0000_0000), byte30);

        var value = Hex("0x8000000000000000000000000000000000000000000000000000000000000001");
        UInt256.SignExtend(new UInt256(31), value, out var unchanged31);
        UInt256.SignExtend(UInt256.MaxValue, value, out var unchangedHuge);
        UInt256.SignExtend(new UInt256(0, 1), value, out var unchangedWide);
        Assert.Equal(value, unchanged31);
        Assert.Equal(value, unchangedHuge);
        Assert.Equal(value, unchangedWide);
    }

    [Fact]
    public void Byte_indexes_from_the_most_significant_end()
    {
        var word = Hex("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
        for (var i = 0; i < 32; i++)
        {
            UInt256.Byte(new UInt256((ulong)i), word, out var b);
            Assert.Equal(new UInt256((ulong)(i + 1)), b);
            Assert.Equal((byte)(i + 1), UInt256.Byte(i, word));
        }

        UInt256.Byte(new UInt256(32), word, out var past);
        UInt256.Byte(new UInt256(0, 0, 0, 1), word, out var huge);
        Assert.Equal(UInt256.Zero, past);
        Assert.Equal(UInt256.Zero, huge);
        Assert.Equal(0, UInt256.Byte(-1, word));
    }

    [Fact]
    public void Sar_of_negatives_fills_with_ones_and_rounds_down()
    {
        UInt256.Sar(Minus(16), 2, out var minusFour);
        Assert.Equal(Minus(4), minusFour);

        UInt256.Sar(Minus(3), 1, out var minusTwo);
        Assert.Equal(Minus(2), minusTwo);

        UInt256.Sar(MinusOne, 255, out var stillMinusOne);
        Assert.Equal(MinusOne, stillMinusOne);

        UInt256.Sar(MinSigned, 255, out var fromMin);
        Assert.Equal(MinusOne, fromMin);

        UInt256.Sar(MinSigned, new UInt256(256), out var negativePast);
        UInt256.Sar(Minus(1234), new UInt256(0, 0, 1), out var negativeFar);
        UInt256.Sar(MaxSigned, new UInt256(256), out var positivePast);
        Assert.Equal(MinusOne, negativePast);
        Assert.Equal(MinusOne, negativeFar);
        Assert.Equal(UInt256.Zero, positivePast);

        UInt256.Sar(MaxSigned, 254, out var one);
        Assert.Equal(UInt256.One, one);
    }

    [Fact]
    public void Shifts_past_255_give_zero()
    {
        Assert.Equal(UInt256.Zero, UInt256.MaxValue << 256);
        Assert.Equal(UInt256.Zero, UInt256.MaxValue >> 256);
        Assert.Equal(MinSigned, UInt256.One << 255);
        Assert.Equal(UInt256.One, MinSigned >> 255);
        UInt256.ShiftLeft(UInt256.One, new UInt256(0, 1), out var wide);
        Assert.Equal(UInt256.Zero, wide);
    }

    [Fact]
    public void Exp_wraps_mod_2_256()
    {
        var two = new UInt256(2);
        UInt256.Exp(two, new UInt256(255), out var top);
        UInt256.Exp(two, new UInt256(256), out var wrapped);
        UInt256.Exp(UInt256.Zero, UInt256.Zero, out var zeroToZero);
        UInt256.Exp(UInt256.Zero, UInt256.MaxValue, out var zero);
        UInt256.Exp(MinusOne, new UInt256(2), out var minusOneSquared);
        UInt256.Exp(MinusOne, UInt256.MaxValue, out var minusOneOdd);
        UInt256.Exp(new UInt256(3), UInt256.MaxValue, out var threeToMax);

        Assert.Equal(MinSigned, top);
        Assert.Equal(UInt256.Zero, wrapped);
        Assert.Equal(UInt256.One, zeroToZero);
        Assert.Equal(UInt256.Zero, zero);
        Assert.Equal(UInt256.One, minusOneSquared);
        Assert.Equal(MinusOne, minusOneOdd);
        Assert.Equal((UInt256)BigInteger.ModPow(3, UInt256.MaxValue, TwoTo256), threeToMax);
    }

    [Fact]
    public void AddMod_and_MulMod_do_not_wrap_the_intermediate()
    {
        // 2^256 + 1 = 2 (mod 3); a sum wrapped at 2^256 would give 1.
        UInt256.AddMod(UInt256.MaxValue, new UInt256(2), new UInt256(3), out var addMod);
        Assert.Equal(new UInt256(2), addMod);

        // 2^256 = 1 (mod 3); a product wrapped at 2^256 would give 0.
        UInt256.MulMod(MinSigned, new UInt256(2), new UInt256(3), out var mulMod);
        Assert.Equal(UInt256.One, mulMod);

        // (2^256 - 1)^2 mod (2^256 - 2) = 1.
        UInt256.MulMod(UInt256.MaxValue, UInt256.MaxValue, UInt256.MaxValue - UInt256.One, out var square);
        Assert.Equal(UInt256.One, square);

        UInt256.AddMod(UInt256.MaxValue, UInt256.MaxValue, UInt256.MaxValue, out var zero);
        Assert.Equal(UInt256.Zero, zero);
    }

    [Fact]
    public void AddOverflow_and_SubtractUnderflow_report_the_edge()
    {
        Assert.True(UInt256.AddOverflow(UInt256.MaxValue, UInt256.One, out var sum));
        Assert.Equal(UInt256.Zero, sum);
        Assert.False(UInt256.AddOverflow(UInt256.MaxValue, UInt256.Zero, out _));
        Assert.True(UInt256.SubtractUnderflow(UInt256.Zero, UInt256.One, out var difference));
        Assert.Equal(UInt256.MaxValue, difference);
        Assert.False(UInt256.SubtractUnderflow(UInt256.One, UInt256.One, out _));
    }

    // Quotient digits whose first estimate survives the two-digit test yet is one too large, so algorithm D
    // has to add the divisor back (found by simulating the algorithm with 64-bit digits).
    [Theory]
    [InlineData("0x800000000000000000000000000000000000000000000003", "0x200000000000000000000000000000000000000000000001")]
    [InlineData("0x7fffffffffffffff800000000000000000000000000000000000000000000000", "0x800000000000000000000000000000000000000000000001")]
    [InlineData("0x80000000000000000000000000000000fffffffffffffffe0000000000000000", "0x80000000000000000000000000000000ffffffffffffffff")]
    public void Division_that_needs_the_add_back_step(string dividendHex, string divisorHex)
    {
        var a = Hex(dividendHex);
        var b = Hex(divisorHex);
        BigInteger x = a, y = b;

        UInt256.DivRem(a, b, out var quotient, out var remainder);
        Assert.Equal((UInt256)(x / y), quotient);
        Assert.Equal((UInt256)(x % y), remainder);

        // MULMOD reduces through the same digits.
        UInt256.MulMod(a, UInt256.One, b, out var mulMod);
        Assert.Equal((UInt256)(x % y), mulMod);
    }

    [Fact]
    public void Results_may_overwrite_an_input()
    {
        var a = Hex("0xfedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
        var b = Hex("0x123456789abcdef0123456789abcdef");
        var m = Hex("0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff");

        static void Same(UInt256 expected, UInt256 actual) => Assert.Equal(expected, actual);

        var x = a;
        UInt256.Add(x, b, out x);
        Same(a + b, x);
        x = a;
        UInt256.Subtract(x, b, out x);
        Same(a - b, x);
        x = a;
        UInt256.Multiply(x, x, out x);
        Same(a * a, x);
        x = a;
        UInt256.Divide(x, b, out x);
        Same(a / b, x);
        x = b;
        UInt256.Mod(a, x, out x);
        Same(a % b, x);

        // The quotient lands in the dividend and the remainder in the divisor.
        var q = a;
        var r = b;
        UInt256.DivRem(q, r, out q, out r);
        Same(a / b, q);
        Same(a % b, r);
        q = b;
        r = a;
        UInt256.DivRem(q, r, out q, out r);
        Same(UInt256.Zero, q);
        Same(b, r);

        UInt256.MulMod(a, b, m, out var expectedMulMod);
        x = m;
        UInt256.MulMod(a, b, x, out x);
        Same(expectedMulMod, x);
        UInt256.AddMod(a, b, m, out var expectedAddMod);
        x = m;
        UInt256.AddMod(a, b, x, out x);
        Same(expectedAddMod, x);
        x = b;
        UInt256.AddMod(b, b, x, out x);
        Same(UInt256.Zero, x);

        UInt256.Exp(a, b, out var expectedExp);
        x = a;
        UInt256.Exp(x, b, out x);
        Same(expectedExp, x);
        x = b;
        UInt256.Exp(a, x, out x);
        Same(expectedExp, x);

        x = a;
        UInt256.ShiftLeft(x, 71, out x);
        Same(a << 71, x);
        x = a;
        UInt256.ShiftRight(x, 129, out x);
        Same(a >> 129, x);

        UInt256.SDiv(a, b, out var expectedSDiv);
        x = a;
        UInt256.SDiv(x, b, out x);
        Same(expectedSDiv, x);
        UInt256.SMod(a, b, out var expectedSMod);
        x = b;
        UInt256.SMod(a, x, out x);
        Same(expectedSMod, x);
        UInt256.Sar(a, 100, out var expectedSar);
        x = a;
        UInt256.Sar(x, 100, out x);
        Same(expectedSar, x);
        UInt256.SignExtend(new UInt256(20), a, out var expectedSignExtend);
        x = a;
        UInt256.SignExtend(new UInt256(20), x, out x);
        Same(expectedSignExtend, x);
        UInt256.Negate(a, out var expectedNegate);
        x = a;
        UInt256.Negate(x, out x);
        Same(expectedNegate, x);
    }

    [Fact]
    public void Hot_path_methods_do_not_allocate()
    {
        var a = Hex("0xfedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
        var b = Hex("0x123456789abcdef0123456789abcdef");
        var small = new UInt256(1_000_003);
        var m = Hex("0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff");

        static UInt256 RunAll(in UInt256 a, in UInt256 b, in UInt256 small, in UInt256 m)
        {
            UInt256.Multiply(a, b, out var acc);
            UInt256.DivRem(a, b, out var q, out var r);
            UInt256.Add(acc, q, out acc);
            UInt256.Add(acc, r, out acc);
            UInt256.Divide(a, small, out q);
            UInt256.Add(acc, q, out acc);
            UInt256.MulMod(a, b, m, out r);
            UInt256.Add(acc, r, out acc);
            UInt256.MulMod(a, b, small, out r);
            UInt256.Add(acc, r, out acc);
            UInt256.AddMod(a, UInt256.MaxValue, m, out r);
            UInt256.Add(acc, r, out acc);
            UInt256.Exp(a, b, out r);
            UInt256.Add(acc, r, out acc);
            UInt256.SDiv(a, b, out r);
            UInt256.Add(acc, r, out acc);
            UInt256.SMod(a, small, out r);
            UInt256.Add(acc, r, out acc);
            UInt256.Sar(a, 77, out r);
            UInt256.Add(acc, r, out acc);
            UInt256.SignExtend(new UInt256(9), a, out r);
            UInt256.Add(acc, r, out acc);
            UInt256.Byte(new UInt256(3), a, out r);
            return acc + r + (a << 13) + (a >> 200) + (a & b) + (a | b) + (a ^ b) + ~a;
        }

        var warm = RunAll(a, b, small, m);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var again = RunAll(a, b, small, m);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(warm, again);
        Assert.Equal(0, allocated);
    }
}
