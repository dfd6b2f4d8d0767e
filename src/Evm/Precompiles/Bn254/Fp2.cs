using System.Numerics;

namespace Hyperion.Evm.Precompiles.Bn254;

/// <summary>
/// F_p² = F_p[i] / (i² + 1): <see cref="A"/> + <see cref="B"/>·i. G2 points have coordinates here; the
/// EVM encodes such a coordinate imaginary part first (B, then A).
/// </summary>
internal readonly struct Fp2 : IBn254Field<Fp2>
{
    public readonly Fp A;
    public readonly Fp B;

    public Fp2(Fp a, Fp b)
    {
        A = a;
        B = b;
    }

    public static Fp2 Zero => default;

    public static Fp2 One { get; } = new(Fp.One, Fp.Zero);

    /// <summary>ξ = 9 + i, the non-residue that builds F_p⁶ and defines the twist that G2 lives on.</summary>
    public static Fp2 Xi { get; } = new(Fp.FromUInt64(9), Fp.One);

    public bool IsZero => A.IsZero && B.IsZero;

    public static Fp2 operator +(Fp2 left, Fp2 right) => new(left.A + right.A, left.B + right.B);

    public static Fp2 operator -(Fp2 left, Fp2 right) => new(left.A - right.A, left.B - right.B);

    public static Fp2 operator -(Fp2 value) => new(-value.A, -value.B);

    /// <summary>Karatsuba: three F_p products instead of four.</summary>
    public static Fp2 operator *(Fp2 left, Fp2 right)
    {
        var aa = left.A * right.A;
        var bb = left.B * right.B;
        var cross = ((left.A + left.B) * (right.A + right.B)) - aa - bb;
        return new Fp2(aa - bb, cross);
    }

    public static Fp2 operator *(Fp2 left, Fp right) => new(left.A * right, left.B * right);

    public Fp2 Square()
    {
        // (a + bi)² = (a + b)(a - b) + 2ab·i
        var ab = A * B;
        return new Fp2((A + B) * (A - B), ab + ab);
    }

    public Fp2 Double() => new(A.Double(), B.Double());

    public Fp2 Conjugate() => new(A, -B);

    /// <summary>(a + bi)⁻¹ = (a - bi) / (a² + b²).</summary>
    public Fp2 Inverse()
    {
        var normInverse = (A.Square() + B.Square()).Inverse();
        return new Fp2(A * normInverse, -(B * normInverse));
    }

    /// <summary>Multiplies by ξ = 9 + i: (a + bi)(9 + i) = (9a - b) + (a + 9b)i, with additions only.</summary>
    public Fp2 MultiplyByXi()
    {
        var nineA = A.Double().Double().Double() + A;
        var nineB = B.Double().Double().Double() + B;
        return new Fp2(nineA - B, A + nineB);
    }

    public Fp2 Pow(BigInteger exponent)
    {
        var result = One;
        for (var bit = (int)exponent.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = result.Square();
            if (!(exponent >> bit).IsEven)
            {
                result *= this;
            }
        }

        return result;
    }

    public bool Equals(Fp2 other) => A.Equals(other.A) && B.Equals(other.B);

    public override bool Equals(object? obj) => obj is Fp2 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(A, B);

    public static bool operator ==(Fp2 left, Fp2 right) => left.Equals(right);

    public static bool operator !=(Fp2 left, Fp2 right) => !left.Equals(right);

    public override string ToString() => $"{A} + {B}i";
}
