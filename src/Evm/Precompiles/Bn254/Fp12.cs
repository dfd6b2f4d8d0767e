using System.Numerics;

namespace Hyperion.Evm.Precompiles.Bn254;

/// <summary>
/// F_p¹² = F_p⁶[w] / (w² - v): <see cref="C0"/> + <see cref="C1"/>·w, where the pairing takes its values.
/// Seen over F_p², an element is Σ c_j·w^j for j = 0..5 with w⁶ = ξ; the Frobenius maps use that view.
/// </summary>
internal readonly struct Fp12 : IEquatable<Fp12>
{
    public readonly Fp6 C0;
    public readonly Fp6 C1;

    // FrobeniusCoefficients[k - 1][j] = ξ^(j·(p^k - 1)/6): the factor w^j picks up under x ↦ x^(p^k).
    private static readonly Fp2[][] FrobeniusCoefficients = ComputeFrobeniusCoefficients();

    public Fp12(Fp6 c0, Fp6 c1)
    {
        C0 = c0;
        C1 = c1;
    }

    public static Fp12 One { get; } = new(Fp6.One, Fp6.Zero);

    public bool IsOne => Equals(One);

    public static Fp12 operator *(Fp12 left, Fp12 right)
    {
        var t0 = left.C0 * right.C0;
        var t1 = left.C1 * right.C1;
        var c1 = ((left.C0 + left.C1) * (right.C0 + right.C1)) - t0 - t1;
        return new Fp12(t0 + t1.MultiplyByV(), c1);
    }

    /// <summary>Multiplies by a line of the Miller loop, c0 + c1·w + c3·w³ (that is C0 = (c0, 0, 0) and
    /// C1 = (c1, c3, 0)): thirteen F_p² products instead of eighteen.</summary>
    public Fp12 MultiplyByLine(Fp2 c0, Fp2 c1, Fp2 c3)
    {
        var t0 = C0 * c0;
        var t1 = C1.MultiplyBy01(c1, c3);
        var cross = (C0 + C1).MultiplyBy01(c0 + c1, c3) - t0 - t1;
        return new Fp12(t0 + t1.MultiplyByV(), cross);
    }

    public Fp12 Square()
    {
        // (a + bw)² = (a + b)(a + vb) - ab - v·ab + 2ab·w
        var ab = C0 * C1;
        var c0 = ((C0 + C1) * (C0 + C1.MultiplyByV())) - ab - ab.MultiplyByV();
        return new Fp12(c0, ab + ab);
    }

    /// <summary>x^(p⁶): negates the w part. On the unitary elements that the final exponentiation
    /// produces this is also the inverse.</summary>
    public Fp12 Conjugate() => new(C0, -C1);

    /// <summary>(a + bw)⁻¹ = (a - bw) / (a² - v·b²).</summary>
    public Fp12 Inverse()
    {
        var normInverse = (C0.Square() - C1.Square().MultiplyByV()).Inverse();
        return new Fp12(C0 * normInverse, -(C1 * normInverse));
    }

    /// <summary>x^(p^power) for power 1, 2 or 3: conjugates each F_p² coefficient power times and
    /// multiplies the w^j coefficient by ξ^(j·(p^power - 1)/6).</summary>
    public Fp12 Frobenius(int power)
    {
        var coefficients = FrobeniusCoefficients[power - 1];
        var conjugate = power % 2 == 1;
        Fp2 Map(Fp2 c, int j) => (conjugate ? c.Conjugate() : c) * coefficients[j];

        // C0 = c0 + c2·w² + c4·w⁴ and C1 = c1·w + c3·w³ + c5·w⁵ in the F_p²-over-w view.
        return new Fp12(
            new Fp6(Map(C0.C0, 0), Map(C0.C1, 2), Map(C0.C2, 4)),
            new Fp6(Map(C1.C0, 1), Map(C1.C1, 3), Map(C1.C2, 5)));
    }

    public Fp12 Pow(BigInteger exponent)
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

    /// <summary>ξ^(j·(p^power - 1)/6), which the Frobenius map on the twist also uses.</summary>
    public static Fp2 FrobeniusCoefficient(int power, int j) => FrobeniusCoefficients[power - 1][j];

    public bool Equals(Fp12 other) => C0.Equals(other.C0) && C1.Equals(other.C1);

    public override bool Equals(object? obj) => obj is Fp12 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(C0, C1);

    public static bool operator ==(Fp12 left, Fp12 right) => left.Equals(right);

    public static bool operator !=(Fp12 left, Fp12 right) => !left.Equals(right);

    private static Fp2[][] ComputeFrobeniusCoefficients()
    {
        var coefficients = new Fp2[3][];
        for (var power = 1; power <= 3; power++)
        {
            var step = (BigInteger.Pow(Fp.Modulus, power) - 1) / 6;
            coefficients[power - 1] = new Fp2[6];
            for (var j = 0; j < 6; j++)
            {
                coefficients[power - 1][j] = Fp2.Xi.Pow(step * j);
            }
        }

        return coefficients;
    }
}
