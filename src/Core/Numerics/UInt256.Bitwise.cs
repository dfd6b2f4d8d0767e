using System.Runtime.CompilerServices;

namespace Hyperion.Core;

public readonly partial struct UInt256
{
    /// <summary>EVM AND.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void And(in UInt256 a, in UInt256 b, out UInt256 result) =>
        result = new UInt256(a.U0 & b.U0, a.U1 & b.U1, a.U2 & b.U2, a.U3 & b.U3);

    /// <summary>EVM OR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Or(in UInt256 a, in UInt256 b, out UInt256 result) =>
        result = new UInt256(a.U0 | b.U0, a.U1 | b.U1, a.U2 | b.U2, a.U3 | b.U3);

    /// <summary>EVM XOR.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Xor(in UInt256 a, in UInt256 b, out UInt256 result) =>
        result = new UInt256(a.U0 ^ b.U0, a.U1 ^ b.U1, a.U2 ^ b.U2, a.U3 ^ b.U3);

    /// <summary>EVM NOT: every bit flipped (2^256 - 1 - a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Not(in UInt256 a, out UInt256 result) =>
        result = new UInt256(~a.U0, ~a.U1, ~a.U2, ~a.U3);

    /// <summary>
    /// EVM SHL: <paramref name="value"/> shifted left, bits past 2^255 dropped. Unlike C#'s shift of built-in
    /// integers the count is not masked: 256 or more (or a negative count) gives 0.
    /// </summary>
    public static void ShiftLeft(in UInt256 value, int shift, out UInt256 result)
    {
        if ((uint)shift >= 256)
        {
            result = default;
            return;
        }

        ulong v0 = value.U0, v1 = value.U1, v2 = value.U2, v3 = value.U3;
        ulong r0, r1, r2, r3;
        switch (shift >> 6)
        {
            case 0:
                (r0, r1, r2, r3) = (v0, v1, v2, v3);
                break;
            case 1:
                (r0, r1, r2, r3) = (0, v0, v1, v2);
                break;
            case 2:
                (r0, r1, r2, r3) = (0, 0, v0, v1);
                break;
            default:
                (r0, r1, r2, r3) = (0, 0, 0, v0);
                break;
        }

        var bits = shift & 63;
        if (bits != 0)
        {
            // Guarded because a 64-bit shift by 64 - 0 would be masked to a shift by 0.
            var back = 64 - bits;
            r3 = (r3 << bits) | (r2 >> back);
            r2 = (r2 << bits) | (r1 >> back);
            r1 = (r1 << bits) | (r0 >> back);
            r0 <<= bits;
        }

        result = new UInt256(r0, r1, r2, r3);
    }

    /// <summary>EVM SHL with a 256-bit count (the opcode's own operand): 256 or more gives 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ShiftLeft(in UInt256 value, in UInt256 shift, out UInt256 result) =>
        ShiftLeft(value, ShiftCount(shift), out result);

    /// <summary>
    /// EVM SHR: a logical shift right. The count is not masked: 256 or more (or a negative count) gives 0.
    /// </summary>
    public static void ShiftRight(in UInt256 value, int shift, out UInt256 result)
    {
        if ((uint)shift >= 256)
        {
            result = default;
            return;
        }

        ulong v0 = value.U0, v1 = value.U1, v2 = value.U2, v3 = value.U3;
        ulong r0, r1, r2, r3;
        switch (shift >> 6)
        {
            case 0:
                (r0, r1, r2, r3) = (v0, v1, v2, v3);
                break;
            case 1:
                (r0, r1, r2, r3) = (v1, v2, v3, 0);
                break;
            case 2:
                (r0, r1, r2, r3) = (v2, v3, 0, 0);
                break;
            default:
                (r0, r1, r2, r3) = (v3, 0, 0, 0);
                break;
        }

        var bits = shift & 63;
        if (bits != 0)
        {
            var back = 64 - bits;
            r0 = (r0 >> bits) | (r1 << back);
            r1 = (r1 >> bits) | (r2 << back);
            r2 = (r2 >> bits) | (r3 << back);
            r3 >>= bits;
        }

        result = new UInt256(r0, r1, r2, r3);
    }

    /// <summary>EVM SHR with a 256-bit count (the opcode's own operand): 256 or more gives 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ShiftRight(in UInt256 value, in UInt256 shift, out UInt256 result) =>
        ShiftRight(value, ShiftCount(shift), out result);

    /// <summary>
    /// EVM BYTE: byte <paramref name="index"/> of <paramref name="word"/> counted from the most significant
    /// (index 0 is the top byte, 31 the lowest); an index of 32 or more gives 0.
    /// </summary>
    public static void Byte(in UInt256 index, in UInt256 word, out UInt256 result)
    {
        var i = index.FitsInUInt64 && index.U0 < ByteLength ? (int)index.U0 : ByteLength;
        result = new UInt256(Byte(i, word));
    }

    /// <summary>EVM BYTE with an <see cref="int"/> index: 0 is the most significant byte; outside 0..31 gives 0.</summary>
    public static byte Byte(int index, in UInt256 word)
    {
        if ((uint)index >= ByteLength)
        {
            return 0;
        }

        var fromLeastSignificant = ByteLength - 1 - index;
        return (byte)(word.Limb(fromLeastSignificant >> 3) >> ((fromLeastSignificant & 7) * 8));
    }

    /// <summary>Whether bit <paramref name="index"/> (0 = least significant) is set; false outside 0..255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsBitSet(int index) => (uint)index < 256 && ((Limb(index >> 6) >> (index & 63)) & 1) != 0;

    public static UInt256 operator &(in UInt256 left, in UInt256 right)
    {
        And(left, right, out var result);
        return result;
    }

    public static UInt256 operator |(in UInt256 left, in UInt256 right)
    {
        Or(left, right, out var result);
        return result;
    }

    public static UInt256 operator ^(in UInt256 left, in UInt256 right)
    {
        Xor(left, right, out var result);
        return result;
    }

    public static UInt256 operator ~(in UInt256 value)
    {
        Not(value, out var result);
        return result;
    }

    /// <summary>EVM SHL: a count of 256 or more (or negative) gives 0, where C# would mask it.</summary>
    public static UInt256 operator <<(in UInt256 value, int shift)
    {
        ShiftLeft(value, shift, out var result);
        return result;
    }

    /// <summary>EVM SHR: a count of 256 or more (or negative) gives 0, where C# would mask it.</summary>
    public static UInt256 operator >>(in UInt256 value, int shift)
    {
        ShiftRight(value, shift, out var result);
        return result;
    }

    /// <summary>Limb <paramref name="index"/> (0..3, 0 least significant).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Limb(int index) => index switch
    {
        0 => U0,
        1 => U1,
        2 => U2,
        _ => U3,
    };

    /// <summary>A 256-bit shift count as an int, with every count of 256 or more folded to 256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ShiftCount(in UInt256 shift) => shift.FitsInUInt64 && shift.U0 < 256 ? (int)shift.U0 : 256;
}
