using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Hyperion.Evm.Precompiles.Bn254;

/// <summary>
/// An element of the alt_bn128 base field F_p, held in Montgomery form (x·2^256 mod p) as four 64-bit
/// limbs, always fully reduced so that equal elements have equal limbs. Montgomery form turns every
/// multiplication into limb products plus a reduction without division, which is what makes the pairing
/// affordable in managed code.
/// </summary>
internal readonly struct Fp : IBn254Field<Fp>
{
    public const int ByteLength = 32;

    /// <summary>p = 21888242871839275222246405745257275088696311157297823662689037894645226208583.</summary>
    public static readonly BigInteger Modulus = BigInteger.Parse("21888242871839275222246405745257275088696311157297823662689037894645226208583", System.Globalization.CultureInfo.InvariantCulture);

    private const ulong P0 = 0x3c208c16d87cfd47UL;
    private const ulong P1 = 0x97816a916871ca8dUL;
    private const ulong P2 = 0xb85045b68181585dUL;
    private const ulong P3 = 0x30644e72e131a029UL;

    // -p⁻¹ mod 2^64, the Montgomery reduction factor.
    private static readonly ulong MontgomeryFactor = ComputeMontgomeryFactor();

    // 2^512 mod p: multiplying by it (with reduction) converts a plain value into Montgomery form.
    private static readonly Fp RSquared = FromBigIntegerRaw(BigInteger.ModPow(2, 512, Modulus));

    // 2^768 mod p: turns the plain inverse of a Montgomery-form value back into Montgomery form.
    private static readonly Fp RCubed = FromBigIntegerRaw(BigInteger.ModPow(2, 768, Modulus));

    private readonly ulong _l0;
    private readonly ulong _l1;
    private readonly ulong _l2;
    private readonly ulong _l3;

    private Fp(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        _l0 = l0;
        _l1 = l1;
        _l2 = l2;
        _l3 = l3;
    }

    public static Fp Zero => default;

    /// <summary>1 in Montgomery form: 2^256 mod p.</summary>
    public static Fp One { get; } = FromBigIntegerRaw(BigInteger.ModPow(2, 256, Modulus));

    public bool IsZero => (_l0 | _l1 | _l2 | _l3) == 0;

    public static Fp FromUInt64(ulong value) => new Fp(value, 0, 0, 0) * RSquared;

    public static Fp FromBigInteger(BigInteger value)
    {
        var reduced = BigInteger.Remainder(value, Modulus);
        if (reduced.Sign < 0)
        {
            reduced += Modulus;
        }

        return FromBigIntegerRaw(reduced) * RSquared;
    }

    /// <summary>Reads a 32-byte big-endian integer; false when it is not below p (the EVM rejects such coordinates).</summary>
    public static bool TryRead(ReadOnlySpan<byte> bigEndian, out Fp value)
    {
        var raw = new Fp(
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bigEndian));
        if (!raw.IsBelowModulus())
        {
            value = default;
            return false;
        }

        value = raw * RSquared;
        return true;
    }

    /// <summary>Writes the canonical 32-byte big-endian form.</summary>
    public void Write(Span<byte> bigEndian)
    {
        // Multiplying by a plain 1 divides by 2^256: out of Montgomery form.
        var plain = this * new Fp(1, 0, 0, 0);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian, plain._l3);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[8..], plain._l2);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[16..], plain._l1);
        BinaryPrimitives.WriteUInt64BigEndian(bigEndian[24..], plain._l0);
    }

    public BigInteger ToBigInteger()
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        Write(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    public static Fp operator +(Fp left, Fp right)
    {
        ulong carry = 0;
        var l0 = AddWithCarry(left._l0, right._l0, ref carry);
        var l1 = AddWithCarry(left._l1, right._l1, ref carry);
        var l2 = AddWithCarry(left._l2, right._l2, ref carry);
        var l3 = AddWithCarry(left._l3, right._l3, ref carry);

        // p < 2^254, so the sum of two reduced elements never carries out of 256 bits.
        return new Fp(l0, l1, l2, l3).SubtractModulusIfNeeded();
    }

    public static Fp operator -(Fp left, Fp right)
    {
        ulong borrow = 0;
        var l0 = SubtractWithBorrow(left._l0, right._l0, ref borrow);
        var l1 = SubtractWithBorrow(left._l1, right._l1, ref borrow);
        var l2 = SubtractWithBorrow(left._l2, right._l2, ref borrow);
        var l3 = SubtractWithBorrow(left._l3, right._l3, ref borrow);
        if (borrow == 0)
        {
            return new Fp(l0, l1, l2, l3);
        }

        ulong carry = 0;
        l0 = AddWithCarry(l0, P0, ref carry);
        l1 = AddWithCarry(l1, P1, ref carry);
        l2 = AddWithCarry(l2, P2, ref carry);
        l3 = AddWithCarry(l3, P3, ref carry);
        return new Fp(l0, l1, l2, l3);
    }

    public static Fp operator -(Fp value) => Zero - value;

    /// <summary>Montgomery multiplication (coarsely integrated operand scanning): a·b·2^-256 mod p. Unrolled by
    /// hand with every intermediate in a local, so the JIT keeps them all in registers.</summary>
    public static Fp operator *(Fp left, Fp right)
    {
        ulong a0 = left._l0, a1 = left._l1, a2 = left._l2, a3 = left._l3;
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
        ulong carry, m;

        // For each word b_i of the right operand: t += a·b_i, then add m·p so the lowest word of t is zero and
        // shift it out. t stays below 2p between words, which fits five words because p < 2^254.
        carry = MultiplyAdd(a0, right._l0, t0, 0, out t0);
        carry = MultiplyAdd(a1, right._l0, t1, carry, out t1);
        carry = MultiplyAdd(a2, right._l0, t2, carry, out t2);
        carry = MultiplyAdd(a3, right._l0, t3, carry, out t3);
        t4 += carry;
        m = t0 * MontgomeryFactor;
        carry = MultiplyAdd(m, P0, t0, 0, out _);
        carry = MultiplyAdd(m, P1, t1, carry, out t0);
        carry = MultiplyAdd(m, P2, t2, carry, out t1);
        carry = MultiplyAdd(m, P3, t3, carry, out t2);
        t3 = t4 + carry;
        t4 = t3 < carry ? 1UL : 0UL;

        carry = MultiplyAdd(a0, right._l1, t0, 0, out t0);
        carry = MultiplyAdd(a1, right._l1, t1, carry, out t1);
        carry = MultiplyAdd(a2, right._l1, t2, carry, out t2);
        carry = MultiplyAdd(a3, right._l1, t3, carry, out t3);
        t4 += carry;
        m = t0 * MontgomeryFactor;
        carry = MultiplyAdd(m, P0, t0, 0, out _);
        carry = MultiplyAdd(m, P1, t1, carry, out t0);
        carry = MultiplyAdd(m, P2, t2, carry, out t1);
        carry = MultiplyAdd(m, P3, t3, carry, out t2);
        t3 = t4 + carry;
        t4 = t3 < carry ? 1UL : 0UL;

        carry = MultiplyAdd(a0, right._l2, t0, 0, out t0);
        carry = MultiplyAdd(a1, right._l2, t1, carry, out t1);
        carry = MultiplyAdd(a2, right._l2, t2, carry, out t2);
        carry = MultiplyAdd(a3, right._l2, t3, carry, out t3);
        t4 += carry;
        m = t0 * MontgomeryFactor;
        carry = MultiplyAdd(m, P0, t0, 0, out _);
        carry = MultiplyAdd(m, P1, t1, carry, out t0);
        carry = MultiplyAdd(m, P2, t2, carry, out t1);
        carry = MultiplyAdd(m, P3, t3, carry, out t2);
        t3 = t4 + carry;
        t4 = t3 < carry ? 1UL : 0UL;

        carry = MultiplyAdd(a0, right._l3, t0, 0, out t0);
        carry = MultiplyAdd(a1, right._l3, t1, carry, out t1);
        carry = MultiplyAdd(a2, right._l3, t2, carry, out t2);
        carry = MultiplyAdd(a3, right._l3, t3, carry, out t3);
        t4 += carry;
        m = t0 * MontgomeryFactor;
        carry = MultiplyAdd(m, P0, t0, 0, out _);
        carry = MultiplyAdd(m, P1, t1, carry, out t0);
        carry = MultiplyAdd(m, P2, t2, carry, out t1);
        carry = MultiplyAdd(m, P3, t3, carry, out t2);
        t3 = t4 + carry;
        t4 = t3 < carry ? 1UL : 0UL;

        return new Fp(t0, t1, t2, t3).SubtractModulusIfNeeded();
    }

    public Fp Square() => this * this;

    public Fp Double() => this + this;

    /// <summary>x⁻¹ by the binary extended Euclidean algorithm, several times faster than x^(p-2) here; zero maps
    /// to zero, which callers rule out.</summary>
    public Fp Inverse()
    {
        if (IsZero)
        {
            return Zero;
        }

        // Invariants: x1·a ≡ u and x2·a ≡ v (mod p), on the plain limbs a = x·2^256 of this element. Halving
        // keeps them by halving x1 (adding p first when it is odd); subtracting keeps them by subtracting.
        var u = this;
        var v = new Fp(P0, P1, P2, P3);
        var x1 = new Fp(1, 0, 0, 0);
        var x2 = Zero;
        while (!u.IsPlainOne && !v.IsPlainOne)
        {
            while (u.IsEven)
            {
                u = u.ShiftRightOne(0);
                x1 = x1.HalveModulo();
            }

            while (v.IsEven)
            {
                v = v.ShiftRightOne(0);
                x2 = x2.HalveModulo();
            }

            if (!u.IsBelow(v))
            {
                u = u.SubtractPlain(v);
                x1 -= x2;
            }
            else
            {
                v = v.SubtractPlain(u);
                x2 -= x1;
            }
        }

        // (x·2^256)⁻¹ = x⁻¹·2^-256; one Montgomery product with 2^768 gives x⁻¹·2^256.
        return (u.IsPlainOne ? x1 : x2) * RCubed;
    }

    public bool Equals(Fp other) => _l0 == other._l0 && _l1 == other._l1 && _l2 == other._l2 && _l3 == other._l3;

    public override bool Equals(object? obj) => obj is Fp other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_l0, _l1, _l2, _l3);

    public static bool operator ==(Fp left, Fp right) => left.Equals(right);

    public static bool operator !=(Fp left, Fp right) => !left.Equals(right);

    public override string ToString() => ToBigInteger().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static ulong[] ToLimbs(BigInteger value)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: false);
        var limbs = new ulong[(bytes.Length + 7) / 8];
        for (var i = 0; i < bytes.Length; i++)
        {
            limbs[i / 8] |= (ulong)bytes[i] << (8 * (i % 8));
        }

        return limbs;
    }

    // a·b + c + carry as a 128-bit value: returns the high word. Cannot overflow: (2^64-1)² + 2(2^64-1) < 2^128.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyAdd(ulong a, ulong b, ulong c, ulong carry, out ulong low)
    {
        var high = Math.BigMul(a, b, out low);
        low += c;
        high += low < c ? 1UL : 0UL;
        low += carry;
        high += low < carry ? 1UL : 0UL;
        return high;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong AddWithCarry(ulong a, ulong b, ref ulong carry)
    {
        var sum = a + b;
        var carryOut = sum < a ? 1UL : 0UL;
        var result = sum + carry;
        carryOut += result < sum ? 1UL : 0UL;
        carry = carryOut;
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubtractWithBorrow(ulong a, ulong b, ref ulong borrow)
    {
        var difference = a - b;
        var borrowOut = a < b ? 1UL : 0UL;
        var result = difference - borrow;
        borrowOut += difference < borrow ? 1UL : 0UL;
        borrow = borrowOut;
        return result;
    }

    private bool IsPlainOne => _l0 == 1 && (_l1 | _l2 | _l3) == 0;

    private bool IsEven => (_l0 & 1) == 0;

    private Fp ShiftRightOne(ulong topBit) =>
        new((_l0 >> 1) | (_l1 << 63), (_l1 >> 1) | (_l2 << 63), (_l2 >> 1) | (_l3 << 63), (_l3 >> 1) | (topBit << 63));

    // x/2 mod p for a reduced x: (x + p)/2 when x is odd. x + p < 2^255, so no bit is lost.
    private Fp HalveModulo()
    {
        if (IsEven)
        {
            return ShiftRightOne(0);
        }

        ulong carry = 0;
        var l0 = AddWithCarry(_l0, P0, ref carry);
        var l1 = AddWithCarry(_l1, P1, ref carry);
        var l2 = AddWithCarry(_l2, P2, ref carry);
        var l3 = AddWithCarry(_l3, P3, ref carry);
        return new Fp(l0, l1, l2, l3).ShiftRightOne(carry);
    }

    private bool IsBelow(in Fp other)
    {
        ulong borrow = 0;
        SubtractWithBorrow(_l0, other._l0, ref borrow);
        SubtractWithBorrow(_l1, other._l1, ref borrow);
        SubtractWithBorrow(_l2, other._l2, ref borrow);
        SubtractWithBorrow(_l3, other._l3, ref borrow);
        return borrow != 0;
    }

    private Fp SubtractPlain(in Fp other)
    {
        ulong borrow = 0;
        var l0 = SubtractWithBorrow(_l0, other._l0, ref borrow);
        var l1 = SubtractWithBorrow(_l1, other._l1, ref borrow);
        var l2 = SubtractWithBorrow(_l2, other._l2, ref borrow);
        var l3 = SubtractWithBorrow(_l3, other._l3, ref borrow);
        return new Fp(l0, l1, l2, l3);
    }

    private Fp SubtractModulusIfNeeded()
    {
        ulong borrow = 0;
        var l0 = SubtractWithBorrow(_l0, P0, ref borrow);
        var l1 = SubtractWithBorrow(_l1, P1, ref borrow);
        var l2 = SubtractWithBorrow(_l2, P2, ref borrow);
        var l3 = SubtractWithBorrow(_l3, P3, ref borrow);
        return borrow == 0 ? new Fp(l0, l1, l2, l3) : this;
    }

    private bool IsBelowModulus()
    {
        ulong borrow = 0;
        SubtractWithBorrow(_l0, P0, ref borrow);
        SubtractWithBorrow(_l1, P1, ref borrow);
        SubtractWithBorrow(_l2, P2, ref borrow);
        SubtractWithBorrow(_l3, P3, ref borrow);
        return borrow != 0;
    }

    private static Fp FromBigIntegerRaw(BigInteger value)
    {
        var limbs = ToLimbs(value);
        Array.Resize(ref limbs, 4);
        return new Fp(limbs[0], limbs[1], limbs[2], limbs[3]);
    }

    private static ulong ComputeMontgomeryFactor()
    {
        // Newton's iteration doubles the number of correct low bits each round: 1 → 64 in six rounds.
        ulong inverse = 1;
        for (var i = 0; i < 6; i++)
        {
            inverse *= 2 - (P0 * inverse);
        }

        return unchecked(0 - inverse);
    }
}
