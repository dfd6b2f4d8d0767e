using System.Runtime.CompilerServices;

namespace Hyperion.Core;

// The EVM's signed opcodes read the same 256 bits as two's complement: bit 255 is the sign, so
// 2^255 .. 2^256 - 1 stand for -2^255 .. -1.
public readonly partial struct UInt256
{
    /// <summary>Whether the word is negative as two's complement (bit 255 set).</summary>
    public bool IsNegative
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (long)U3 < 0;
    }

    /// <summary>Two's complement negation, 0 - <paramref name="value"/> mod 2^256 (-2^255 stays -2^255).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Negate(in UInt256 value, out UInt256 result) => Subtract(Zero, value, out result);

    /// <summary>
    /// EVM SDIV: signed division rounding toward zero. A zero divisor gives 0, and -2^255 / -1 gives -2^255
    /// (the true quotient 2^255 wraps).
    /// </summary>
    public static void SDiv(in UInt256 a, in UInt256 b, out UInt256 result)
    {
        if (b.IsZero)
        {
            result = default;
            return;
        }

        var negative = a.IsNegative != b.IsNegative;
        Abs(a, out var dividend);
        Abs(b, out var divisor);

        // Magnitudes are at most 2^255 (the magnitude of -2^255), which the unsigned division handles as is.
        Divide(dividend, divisor, out var quotient);
        if (negative)
        {
            Negate(quotient, out quotient);
        }

        result = quotient;
    }

    /// <summary>EVM SMOD: the signed remainder, whose sign follows the dividend; a zero divisor gives 0.</summary>
    public static void SMod(in UInt256 a, in UInt256 b, out UInt256 result)
    {
        if (b.IsZero)
        {
            result = default;
            return;
        }

        var negative = a.IsNegative;
        Abs(a, out var dividend);
        Abs(b, out var divisor);
        Mod(dividend, divisor, out var remainder);
        if (negative)
        {
            Negate(remainder, out remainder);
        }

        result = remainder;
    }

    /// <summary>
    /// EVM SIGNEXTEND: treats the low <paramref name="byteIndex"/> + 1 bytes of <paramref name="value"/> as a
    /// two's complement number and copies its sign bit (bit 8 * byteIndex + 7) into every higher bit. A byte
    /// index of 31 or more leaves the value unchanged.
    /// </summary>
    public static void SignExtend(in UInt256 byteIndex, in UInt256 value, out UInt256 result)
    {
        if (!byteIndex.FitsInUInt64 || byteIndex.U0 >= ByteLength - 1)
        {
            result = value;
            return;
        }

        var signBit = ((int)byteIndex.U0 * 8) + 7;
        var signLimb = signBit >> 6;
        var fill = value.IsBitSet(signBit) ? ulong.MaxValue : 0UL;

        // 2UL << 63 is 0, so a sign bit at the top of its limb keeps the whole limb.
        var keep = (2UL << (signBit & 63)) - 1;
        result = new UInt256(
            Extend(value.U0, 0, signLimb, keep, fill),
            Extend(value.U1, 1, signLimb, keep, fill),
            Extend(value.U2, 2, signLimb, keep, fill),
            Extend(value.U3, 3, signLimb, keep, fill));
    }

    /// <summary>
    /// EVM SAR: an arithmetic shift right that fills with the sign bit, so it rounds toward negative infinity.
    /// A count of 256 or more (or a negative count) gives 0 for a non-negative value and -1 (all ones) for a
    /// negative one.
    /// </summary>
    public static void Sar(in UInt256 value, int shift, out UInt256 result)
    {
        if (!value.IsNegative)
        {
            ShiftRight(value, shift, out result);
            return;
        }

        if ((uint)shift >= 256)
        {
            result = MaxValue;
            return;
        }

        // Shifting the complement logically and complementing back brings in ones from the top.
        Not(value, out var complement);
        ShiftRight(complement, shift, out complement);
        Not(complement, out result);
    }

    /// <summary>EVM SAR with a 256-bit count (the opcode's own operand).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sar(in UInt256 value, in UInt256 shift, out UInt256 result) =>
        Sar(value, ShiftCount(shift), out result);

    /// <summary>EVM SLT: <paramref name="a"/> &lt; <paramref name="b"/> as two's complement numbers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SLessThan(in UInt256 a, in UInt256 b) => SignedCompare(a, b) < 0;

    /// <summary>EVM SGT: <paramref name="a"/> &gt; <paramref name="b"/> as two's complement numbers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SGreaterThan(in UInt256 a, in UInt256 b) => SignedCompare(a, b) > 0;

    /// <summary>EVM LT: unsigned <paramref name="a"/> &lt; <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LessThan(in UInt256 a, in UInt256 b) => a < b;

    /// <summary>EVM GT: unsigned <paramref name="a"/> &gt; <paramref name="b"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GreaterThan(in UInt256 a, in UInt256 b) => a > b;

    /// <summary>Compares as two's complement numbers: negative, zero or positive as a is below, equal to or above b.</summary>
    public static int SignedCompare(in UInt256 a, in UInt256 b)
    {
        var aNegative = a.IsNegative;
        if (aNegative != b.IsNegative)
        {
            return aNegative ? -1 : 1;
        }

        // Within one sign, two's complement order is the unsigned order.
        return a.CompareTo(b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Abs(in UInt256 value, out UInt256 result)
    {
        if (value.IsNegative)
        {
            Negate(value, out result);
        }
        else
        {
            result = value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Extend(ulong limb, int index, int signLimb, ulong keep, ulong fill) =>
        index < signLimb ? limb
        : index == signLimb ? (limb & keep) | (fill & ~keep)
        : fill;
}
