using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hyperion.Core;

// Every method reads all of its inputs before it writes an output, so a caller may pass the same
// variable as an input and as the result (Add(in x, in y, out x)).
public readonly partial struct UInt256
{
    /// <summary>EVM ADD: <paramref name="a"/> + <paramref name="b"/> mod 2^256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(in UInt256 a, in UInt256 b, out UInt256 result) => AddOverflow(a, b, out result);

    /// <summary>Wrapping addition that also reports whether the true sum reached 2^256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AddOverflow(in UInt256 a, in UInt256 b, out UInt256 result)
    {
        ulong carry = 0;
        var r0 = AddWithCarry(a.U0, b.U0, ref carry);
        var r1 = AddWithCarry(a.U1, b.U1, ref carry);
        var r2 = AddWithCarry(a.U2, b.U2, ref carry);
        var r3 = AddWithCarry(a.U3, b.U3, ref carry);
        result = new UInt256(r0, r1, r2, r3);
        return carry != 0;
    }

    /// <summary>EVM SUB: <paramref name="a"/> - <paramref name="b"/> mod 2^256.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Subtract(in UInt256 a, in UInt256 b, out UInt256 result) => SubtractUnderflow(a, b, out result);

    /// <summary>Wrapping subtraction that also reports whether <paramref name="b"/> was greater than <paramref name="a"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SubtractUnderflow(in UInt256 a, in UInt256 b, out UInt256 result)
    {
        ulong borrow = 0;
        var r0 = SubtractWithBorrow(a.U0, b.U0, ref borrow);
        var r1 = SubtractWithBorrow(a.U1, b.U1, ref borrow);
        var r2 = SubtractWithBorrow(a.U2, b.U2, ref borrow);
        var r3 = SubtractWithBorrow(a.U3, b.U3, ref borrow);
        result = new UInt256(r0, r1, r2, r3);
        return borrow != 0;
    }

    /// <summary>EVM MUL: the low 256 bits of <paramref name="a"/> * <paramref name="b"/>.</summary>
    public static void Multiply(in UInt256 a, in UInt256 b, out UInt256 result)
    {
        ulong a0 = a.U0, a1 = a.U1, a2 = a.U2, a3 = a.U3;
        ulong b0 = b.U0, b1 = b.U1, b2 = b.U2, b3 = b.U3;

        // Schoolbook, dropping every partial product that lands at or above 2^256.
        ulong carry = 0;
        var r0 = MultiplyAdd(a0, b0, 0, ref carry);
        var r1 = MultiplyAdd(a0, b1, 0, ref carry);
        var r2 = MultiplyAdd(a0, b2, 0, ref carry);
        var r3 = (a0 * b3) + carry;

        carry = 0;
        r1 = MultiplyAdd(a1, b0, r1, ref carry);
        r2 = MultiplyAdd(a1, b1, r2, ref carry);
        r3 += (a1 * b2) + carry;

        carry = 0;
        r2 = MultiplyAdd(a2, b0, r2, ref carry);
        r3 += (a2 * b1) + carry;

        r3 += a3 * b0;
        result = new UInt256(r0, r1, r2, r3);
    }

    /// <summary>EVM DIV: the quotient rounded down; a zero divisor gives 0.</summary>
    public static void Divide(in UInt256 a, in UInt256 b, out UInt256 result) => DivRem(a, b, out result, out _);

    /// <summary>EVM MOD: the remainder of the unsigned division; a zero divisor gives 0.</summary>
    public static void Mod(in UInt256 a, in UInt256 b, out UInt256 result) => DivRem(a, b, out _, out result);

    /// <summary>Quotient and remainder in one pass; a zero divisor gives 0 for both, as the EVM does.</summary>
    public static void DivRem(in UInt256 a, in UInt256 b, out UInt256 quotient, out UInt256 remainder)
    {
        if (b.FitsInUInt64)
        {
            var divisor = b.U0;
            if (divisor == 0)
            {
                quotient = default;
                remainder = default;
                return;
            }

            if (a.FitsInUInt64)
            {
                var dividend = a.U0;
                quotient = new UInt256(dividend / divisor);
                remainder = new UInt256(dividend % divisor);
                return;
            }

            Span<ulong> q = stackalloc ulong[4];
            var r = DivRemBy64(Limbs(a), divisor, q);
            quotient = new UInt256(q[0], q[1], q[2], q[3]);
            remainder = new UInt256(r);
            return;
        }

        if (a < b)
        {
            // Copy first: quotient may be the same variable as a.
            var copy = a;
            quotient = default;
            remainder = copy;
            return;
        }

        var m = LimbCount(a);
        var n = LimbCount(b);
        Span<ulong> qLimbs = stackalloc ulong[4];
        Span<ulong> rLimbs = stackalloc ulong[4];
        DivRemKnuth(Limbs(a)[..m], Limbs(b)[..n], qLimbs[..(m - n + 1)], rLimbs[..n]);
        quotient = new UInt256(qLimbs[0], qLimbs[1], qLimbs[2], qLimbs[3]);
        remainder = new UInt256(rLimbs[0], rLimbs[1], rLimbs[2], rLimbs[3]);
    }

    /// <summary>EVM ADDMOD: (<paramref name="a"/> + <paramref name="b"/>) mod <paramref name="modulus"/> without
    /// wrapping the sum at 2^256; a zero modulus gives 0.</summary>
    public static void AddMod(in UInt256 a, in UInt256 b, in UInt256 modulus, out UInt256 result)
    {
        if (modulus.IsZero)
        {
            result = default;
            return;
        }

        var carry = AddOverflow(a, b, out var sum);

        // Reduced operands (the usual case in field arithmetic) leave a sum below 2*modulus: one subtraction does.
        if (a < modulus && b < modulus)
        {
            if (carry || sum >= modulus)
            {
                Subtract(sum, modulus, out sum);
            }

            result = sum;
            return;
        }

        Span<ulong> wide = stackalloc ulong[5];
        wide[0] = sum.U0;
        wide[1] = sum.U1;
        wide[2] = sum.U2;
        wide[3] = sum.U3;
        wide[4] = carry ? 1UL : 0UL;
        Remainder(Trim(wide), modulus, out result);
    }

    /// <summary>EVM MULMOD: (<paramref name="a"/> * <paramref name="b"/>) mod <paramref name="modulus"/> over the
    /// full 512-bit product; a zero modulus gives 0.</summary>
    public static void MulMod(in UInt256 a, in UInt256 b, in UInt256 modulus, out UInt256 result)
    {
        if (modulus.IsZero)
        {
            result = default;
            return;
        }

        Span<ulong> product = stackalloc ulong[8];
        MultiplyFull(Limbs(a), Limbs(b), product);
        Remainder(Trim(product), modulus, out result);
    }

    /// <summary>EVM EXP: <paramref name="value"/> ^ <paramref name="exponent"/> mod 2^256 (0^0 = 1).</summary>
    public static void Exp(in UInt256 value, in UInt256 exponent, out UInt256 result)
    {
        var bits = exponent.BitLength;
        var power = value;
        var exp = exponent;
        var acc = One;

        // Right-to-left square-and-multiply; the last squaring is skipped because nothing reads it.
        for (var i = 0; i < bits; i++)
        {
            if (exp.IsBitSet(i))
            {
                Multiply(acc, power, out acc);
            }

            if (i + 1 < bits)
            {
                Multiply(power, power, out power);
            }
        }

        result = acc;
    }

    public static UInt256 operator +(in UInt256 left, in UInt256 right)
    {
        Add(left, right, out var result);
        return result;
    }

    public static UInt256 operator -(in UInt256 left, in UInt256 right)
    {
        Subtract(left, right, out var result);
        return result;
    }

    public static UInt256 operator *(in UInt256 left, in UInt256 right)
    {
        Multiply(left, right, out var result);
        return result;
    }

    /// <summary>Unsigned division; dividing by zero gives 0 (EVM DIV) instead of throwing.</summary>
    public static UInt256 operator /(in UInt256 left, in UInt256 right)
    {
        Divide(left, right, out var result);
        return result;
    }

    /// <summary>Unsigned remainder; a zero divisor gives 0 (EVM MOD) instead of throwing.</summary>
    public static UInt256 operator %(in UInt256 left, in UInt256 right)
    {
        Mod(left, right, out var result);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddWithCarry(ulong x, ulong y, ref ulong carry)
    {
        var sum = x + y + carry;

        // The carry out is the majority of the operands' top bits and the inverted top bit of the sum.
        carry = ((x & y) | ((x | y) & ~sum)) >> 63;
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubtractWithBorrow(ulong x, ulong y, ref ulong borrow)
    {
        var difference = x - y - borrow;
        borrow = ((~x & y) | (~(x ^ y) & difference)) >> 63;
        return difference;
    }

    /// <summary>x * y + addend + carry, which always fits in 128 bits; the high half goes back out in carry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyAdd(ulong x, ulong y, ulong addend, ref ulong carry)
    {
        var high = Math.BigMul(x, y, out var low);
        low += addend;
        high += low < addend ? 1UL : 0UL;
        low += carry;
        high += low < carry ? 1UL : 0UL;
        carry = high;
        return low;
    }

    /// <summary>The four limbs, least significant first, viewed in place (the layout is sequential).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<ulong> Limbs(in UInt256 value) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in value.U0), 4);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LimbCount(in UInt256 value) =>
        value.U3 != 0 ? 4 : value.U2 != 0 ? 3 : value.U1 != 0 ? 2 : value.U0 != 0 ? 1 : 0;

    private static ReadOnlySpan<ulong> Trim(ReadOnlySpan<ulong> limbs)
    {
        var length = limbs.Length;
        while (length > 0 && limbs[length - 1] == 0)
        {
            length--;
        }

        return limbs[..length];
    }

    /// <summary>The full product of two 4-limb numbers into 8 zeroed limbs.</summary>
    private static void MultiplyFull(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> product)
    {
        for (var i = 0; i < 4; i++)
        {
            var ai = a[i];
            if (ai == 0)
            {
                continue;
            }

            ulong carry = 0;
            for (var j = 0; j < 4; j++)
            {
                product[i + j] = MultiplyAdd(ai, b[j], product[i + j], ref carry);
            }

            product[i + 4] = carry;
        }
    }

    /// <summary><paramref name="dividend"/> (trimmed, up to 8 limbs) mod a nonzero <paramref name="modulus"/>.</summary>
    private static void Remainder(ReadOnlySpan<ulong> dividend, in UInt256 modulus, out UInt256 result)
    {
        if (modulus.FitsInUInt64)
        {
            result = new UInt256(DivRemBy64(dividend, modulus.U0, []));
            return;
        }

        var n = LimbCount(modulus);
        Span<ulong> r = stackalloc ulong[4];
        if (dividend.Length < n)
        {
            dividend.CopyTo(r);
        }
        else
        {
            Span<ulong> q = stackalloc ulong[8];
            DivRemKnuth(dividend, Limbs(modulus)[..n], q[..(dividend.Length - n + 1)], r[..n]);
        }

        result = new UInt256(r[0], r[1], r[2], r[3]);
    }

    /// <summary>
    /// Divides a multi-limb number by a nonzero 64-bit divisor from the top limb down, writing the quotient
    /// limbs when <paramref name="quotient"/> is not empty, and returns the remainder.
    /// </summary>
    private static ulong DivRemBy64(ReadOnlySpan<ulong> dividend, ulong divisor, Span<ulong> quotient)
    {
        // Each step divides (remainder:limb) by the divisor; both are shifted so the divisor's top bit is set,
        // which the two-digit division needs. remainder < divisor keeps the shifted high half below it.
        var shift = BitOperations.LeadingZeroCount(divisor);
        var normalized = divisor << shift;
        var reciprocal = Reciprocal(normalized);
        ulong remainder = 0;
        for (var i = dividend.Length - 1; i >= 0; i--)
        {
            var limb = dividend[i];
            var high = (remainder << shift) | BitsShiftedOutLeft(limb, shift);
            var q = DivRem2By1(high, limb << shift, normalized, reciprocal, out var r);
            remainder = r >> shift;
            if (!quotient.IsEmpty)
            {
                quotient[i] = q;
            }
        }

        return remainder;
    }

    /// <summary>
    /// Knuth's algorithm D (TAOCP vol. 2, 4.3.1) with 64-bit digits. <paramref name="u"/> has m limbs,
    /// <paramref name="v"/> has 2 &lt;= n &lt;= 4 limbs with a nonzero top, m &gt;= n; the quotient gets
    /// m - n + 1 limbs and the remainder n.
    /// </summary>
    private static void DivRemKnuth(ReadOnlySpan<ulong> u, ReadOnlySpan<ulong> v, Span<ulong> quotient, Span<ulong> remainder)
    {
        var m = u.Length;
        var n = v.Length;

        // D1: shift both so the divisor's top bit is set; this bounds the trial quotient's error by 2.
        var shift = BitOperations.LeadingZeroCount(v[n - 1]);
        Span<ulong> vn = stackalloc ulong[4];
        Span<ulong> un = stackalloc ulong[9];
        for (var i = n - 1; i > 0; i--)
        {
            vn[i] = (v[i] << shift) | BitsShiftedOutLeft(v[i - 1], shift);
        }

        vn[0] = v[0] << shift;
        un[m] = BitsShiftedOutLeft(u[m - 1], shift);
        for (var i = m - 1; i > 0; i--)
        {
            un[i] = (u[i] << shift) | BitsShiftedOutLeft(u[i - 1], shift);
        }

        un[0] = u[0] << shift;

        var vTop = vn[n - 1];
        var vNext = vn[n - 2];

        // The reciprocal costs as much as one plain two-digit division, so it pays only for two digits or more.
        var reciprocal = m > n ? Reciprocal(vTop) : 0;
        for (var j = m - n; j >= 0; j--)
        {
            // D3: estimate the quotient digit from the top two dividend digits and refine it with the third.
            var uTop = un[j + n];
            var uNext = un[j + n - 1];
            ulong qHat;
            ulong rHat;
            bool rHatOverflow;
            if (uTop >= vTop)
            {
                // uTop == vTop: the two-digit quotient would not fit a digit, so start from b - 1.
                qHat = ulong.MaxValue;
                rHat = uNext + vTop;
                rHatOverflow = rHat < vTop;
            }
            else
            {
                qHat = m > n
                    ? DivRem2By1(uTop, uNext, vTop, reciprocal, out rHat)
                    : DivRemNormalized(uTop, uNext, vTop, out rHat);
                rHatOverflow = false;
            }

            // Once rHat reaches b the test below cannot hold any more.
            while (!rHatOverflow)
            {
                var productHigh = Math.BigMul(qHat, vNext, out var productLow);
                if (productHigh < rHat || (productHigh == rHat && productLow <= un[j + n - 2]))
                {
                    break;
                }

                qHat--;
                rHat += vTop;
                rHatOverflow = rHat < vTop;
            }

            // D4: subtract qHat * v from the current window of the dividend.
            ulong multiplyCarry = 0;
            ulong borrow = 0;
            for (var i = 0; i < n; i++)
            {
                var low = MultiplyAdd(qHat, vn[i], 0, ref multiplyCarry);
                un[i + j] = SubtractWithBorrow(un[i + j], low, ref borrow);
            }

            un[j + n] = SubtractWithBorrow(un[j + n], multiplyCarry, ref borrow);

            // D5/D6: qHat was still one too large (probability about 2/2^64); add the divisor back.
            if (borrow != 0)
            {
                qHat--;
                ulong carry = 0;
                for (var i = 0; i < n; i++)
                {
                    un[i + j] = AddWithCarry(un[i + j], vn[i], ref carry);
                }

                un[j + n] += carry;
            }

            quotient[j] = qHat;
        }

        // D8: the remainder is in the low n limbs, still shifted; un[n] is zero by now.
        for (var i = 0; i < n; i++)
        {
            remainder[i] = (un[i] >> shift) | BitsShiftedOutRight(un[i + 1], shift);
        }
    }

    /// <summary>
    /// floor((2^128 - 1) / <paramref name="divisor"/>) - 2^64 for a divisor whose top bit is set: the fixed-point
    /// reciprocal that lets <see cref="DivRem2By1"/> divide by multiplying. One costly division per long division
    /// instead of one per quotient digit.
    /// </summary>
    internal static ulong Reciprocal(ulong divisor) => DivRemNormalized(~divisor, ulong.MaxValue, divisor, out _);

    /// <summary>
    /// (<paramref name="high"/>:<paramref name="low"/>) / <paramref name="divisor"/> with the divisor's top bit set and
    /// <paramref name="high"/> &lt; <paramref name="divisor"/>, by Möller and Granlund's "Improved division by
    /// invariant integers" (2011), algorithm 4: two multiplications and at most two corrections.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong DivRem2By1(ulong high, ulong low, ulong divisor, ulong reciprocal, out ulong remainder)
    {
        // (q1:q0) = reciprocal * high + (high:low), mod 2^128.
        var q1 = Math.BigMul(reciprocal, high, out var q0);
        q0 += low;
        q1 += high + (q0 < low ? 1UL : 0UL);
        q1++;

        var r = low - (q1 * divisor);
        if (r > q0)
        {
            q1--;
            r += divisor;
        }

        if (r >= divisor)
        {
            q1++;
            r -= divisor;
        }

        remainder = r;
        return q1;
    }

    /// <summary>
    /// Divides the 128-bit (<paramref name="high"/>:<paramref name="low"/>) by a <paramref name="divisor"/> whose top
    /// bit is set, with <paramref name="high"/> &lt; <paramref name="divisor"/> so the quotient fits 64 bits.
    /// Hacker's Delight's divlu: two 64/32-bit steps, each corrected at most twice.
    /// </summary>
    internal static ulong DivRemNormalized(ulong high, ulong low, ulong divisor, out ulong remainder)
    {
        const ulong Base = 1UL << 32;
        var dHigh = divisor >> 32;
        var dLow = divisor & 0xFFFF_FFFF;
        var low1 = low >> 32;
        var low0 = low & 0xFFFF_FFFF;

        var q1 = high / dHigh;
        var r = high - (q1 * dHigh);
        while (q1 >= Base || q1 * dLow > ((r << 32) | low1))
        {
            q1--;
            r += dHigh;
            if (r >= Base)
            {
                break;
            }
        }

        // The true value of middle is below the divisor, so the arithmetic may wrap on the way there.
        var middle = (high << 32) + low1 - (q1 * divisor);
        var q0 = middle / dHigh;
        r = middle - (q0 * dHigh);
        while (q0 >= Base || q0 * dLow > ((r << 32) | low0))
        {
            q0--;
            r += dHigh;
            if (r >= Base)
            {
                break;
            }
        }

        remainder = (middle << 32) + low0 - (q0 * divisor);
        return (q1 << 32) | q0;
    }

    /// <summary>x &gt;&gt; (64 - shift) for shift in 0..63, which is 0 for shift 0 (a plain 64-bit shift would not be).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BitsShiftedOutLeft(ulong x, int shift) => (x >> 1) >> (63 - shift);

    /// <summary>x &lt;&lt; (64 - shift) for shift in 0..63, which is 0 for shift 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BitsShiftedOutRight(ulong x, int shift) => (x << 1) << (63 - shift);
}
