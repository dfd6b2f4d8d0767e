using System.Numerics;
using CsCheck;

namespace Hyperion.Core.Tests.Numerics;

/// <summary>
/// Generators that lean on the values where limb arithmetic breaks: limbs of 0 and all ones, the sign bit,
/// short numbers, 64-bit divisors and divisors close to the dividend.
/// </summary>
internal static class UInt256Generators
{
    public static readonly BigInteger TwoTo256 = BigInteger.One << 256;
    public static readonly BigInteger TwoTo255 = BigInteger.One << 255;

    public static readonly UInt256 MinSigned = new(0, 0, 0, 1UL << 63);
    public static readonly UInt256 MaxSigned = new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, long.MaxValue);

    private static readonly ulong[] EdgeLimbs =
    [
        0, 1, 2, 3, ulong.MaxValue, ulong.MaxValue - 1, 1UL << 63, (1UL << 63) - 1, (1UL << 63) + 1,
        uint.MaxValue, 1UL << 32, 0xFFFF_FFFF_0000_0000,
    ];

    private static readonly UInt256[] Specials =
    [
        UInt256.Zero, UInt256.One, new(2), UInt256.MaxValue, new(ulong.MaxValue - 1, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue),
        MinSigned, MaxSigned, new(1, 0, 0, 1UL << 63), new(ulong.MaxValue), new(0, 1), new(0, 0, 1), new(0, 0, 0, 1),
        new(ulong.MaxValue, ulong.MaxValue), new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue), new(0, 1UL << 63),
    ];

    public static readonly Gen<ulong> Limb = Gen.Frequency(
        (3, Gen.ULong),
        (2, Gen.OneOf(EdgeLimbs)),
        (1, Gen.ULong[0, 1000]));

    public static readonly Gen<UInt256> Full = Gen.Select(Limb, Limb, Limb, Limb, (a, b, c, d) => new UInt256(a, b, c, d));

    /// <summary>Values of every bit length, so divisors of 1 to 4 limbs turn up evenly.</summary>
    public static readonly Gen<UInt256> Scaled = Gen.Select(Full, Gen.Int[0, 255], (v, s) => v >> s);

    public static readonly Gen<UInt256> Small = Gen.ULong[0, 300].Select(v => new UInt256(v));

    public static readonly Gen<UInt256> Fits64 = Limb.Select(v => new UInt256(v));

    /// <summary>Negative in two's complement and close to -1 or -2^255.</summary>
    public static readonly Gen<UInt256> SmallNegative = Gen.ULong[0, 300].Select(v => MaxValueMinus(v));

    public static readonly Gen<UInt256> Any = Gen.Frequency(
        (5, Full),
        (3, Scaled),
        (2, Gen.OneOf(Specials)),
        (1, Small),
        (1, Fits64),
        (1, SmallNegative));

    /// <summary>(dividend, divisor) pairs, zero divisors included.</summary>
    public static readonly Gen<(UInt256, UInt256)> DivisionPair = Gen.Frequency(
        (4, Gen.Select(Any, Any)),
        (2, Gen.Select(Any, Fits64)),
        (2, Gen.Select(Any, Gen.ULong[0, 3], Gen.Int[0, 2], (a, d, s) => (a, (a >> s) - new UInt256(d)))),
        (1, Gen.Select(Any, Gen.ULong[0, 3], (a, d) => (a, a + new UInt256(d)))),
        (1, Gen.Select(Scaled, Scaled, Gen.Int[0, 255], QuotientTimesDivisor)));

    /// <summary>A modulus for ADDMOD and MULMOD, zero included.</summary>
    public static readonly Gen<UInt256> Modulus = Gen.Frequency((3, Any), (1, Fits64), (1, Small));

    /// <summary>Exponents from 0 up, with full-width ones as well.</summary>
    public static readonly Gen<UInt256> Exponent = Gen.Frequency((2, Small), (1, Fits64), (2, Any));

    /// <summary>Shift counts as an int: mostly 0..255 with the boundaries, sometimes outside.</summary>
    public static readonly Gen<int> ShiftInt = Gen.Frequency(
        (6, Gen.Int[0, 255]),
        (2, Gen.OneOf(0, 1, 63, 64, 65, 127, 128, 191, 192, 254, 255, 256)),
        (1, Gen.Int[256, 1000]),
        (1, Gen.OneOf(-1, -64, -256, int.MinValue, int.MaxValue)));

    /// <summary>Shift counts as the opcode sees them, including ones past 64 bits.</summary>
    public static readonly Gen<UInt256> ShiftWord = Gen.Frequency(
        (6, Gen.Int[0, 300].Select(v => new UInt256((ulong)v))),
        (1, Any));

    /// <summary>Byte indexes for BYTE and SIGNEXTEND: mostly 0..32, sometimes far out.</summary>
    public static readonly Gen<UInt256> ByteIndexWord = Gen.Frequency(
        (6, Gen.Int[0, 33].Select(v => new UInt256((ulong)v))),
        (1, Any));

    /// <summary>The value of the word read as two's complement.</summary>
    public static BigInteger Signed(UInt256 value)
    {
        BigInteger v = value;
        return v >= TwoTo255 ? v - TwoTo256 : v;
    }

    /// <summary>Reduces into 0 .. 2^256 - 1 (two's complement for negatives).</summary>
    public static UInt256 Wrap(BigInteger value)
    {
        var r = value % TwoTo256;
        return (UInt256)(r.Sign < 0 ? r + TwoTo256 : r);
    }

    private static UInt256 MaxValueMinus(ulong v) => UInt256.MaxValue - new UInt256(v);

    private static (UInt256, UInt256) QuotientTimesDivisor(UInt256 quotient, UInt256 divisor, int remainderBits)
    {
        // An exact multiple plus a small remainder: quotient digits are then near their extremes.
        var product = (BigInteger)quotient * divisor;
        if (product >= TwoTo256 || divisor.IsZero)
        {
            return (quotient, divisor);
        }

        var remainder = ((BigInteger)divisor - 1) >> remainderBits;
        var dividend = product + remainder;
        return (dividend >= TwoTo256 ? (UInt256)product : (UInt256)dividend, divisor);
    }
}
