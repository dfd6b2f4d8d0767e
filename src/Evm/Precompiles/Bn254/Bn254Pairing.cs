using System.Numerics;

namespace Hyperion.Evm.Precompiles.Bn254;

/// <summary>
/// The optimal ate pairing on alt_bn128: a Miller loop over 6u+2 (u = 4965661367192848881) with the two
/// Frobenius correction lines, then the final exponentiation to the power (p¹² - 1)/r. Only whether a
/// product of pairings is 1 matters to the EVM, so the Miller loops are multiplied together and
/// exponentiated once.
/// </summary>
internal static class Bn254Pairing
{
    private static readonly BigInteger CurveParameter = 4965661367192848881;

    private static readonly ulong CurveParameterBits = (ulong)CurveParameter;

    private static readonly BigInteger LoopCount = (6 * CurveParameter) + 2;

    // The hard part of the final exponent, (p⁴ - p² + 1)/r, written in base p with digits that are small
    // polynomials in u (Scott et al., "On the final exponentiation for calculating pairings on ordinary
    // elliptic curves"): HardPartDigits[i][j] is the coefficient of u^j·p^i. Checked against the exponent
    // itself when this class initializes.
    private static readonly int[][] HardPartDigits =
    [
        [-2, -18, -30, -36],
        [1, -12, -18, -36],
        [1, 0, 6, 0],
        [1, 0, 0, 0],
    ];

    private static readonly bool HardPartDigitsChecked = CheckHardPartDigits();

    /// <summary>True when Π e(P_i, Q_i) = 1. The points come from <see cref="Bn254Curve"/>'s readers, so they
    /// are on their curves and Q_i is in G2; pairs with a point at infinity contribute 1 and are skipped.</summary>
    public static bool IsProductOne(IReadOnlyList<(JacobianPoint<Fp> P, JacobianPoint<Fp2> Q)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var product = Fp12.One;
        foreach (var (p, q) in pairs)
        {
            if (p.IsInfinity || q.IsInfinity)
            {
                continue;
            }

            var (px, py) = p.ToAffine();
            var (qx, qy) = q.ToAffine();
            product *= MillerLoop(px, py, qx, qy);
        }

        return FinalExponentiation(product).IsOne;
    }

    /// <summary>The full pairing value, for tests of bilinearity.</summary>
    internal static Fp12 Pair(in JacobianPoint<Fp> p, in JacobianPoint<Fp2> q)
    {
        if (p.IsInfinity || q.IsInfinity)
        {
            return Fp12.One;
        }

        var (px, py) = p.ToAffine();
        var (qx, qy) = q.ToAffine();
        return FinalExponentiation(MillerLoop(px, py, qx, qy));
    }

    internal static Fp12 MillerLoop(Fp px, Fp py, Fp2 qx, Fp2 qy)
    {
        // T walks through multiples of Q on the twist in Jacobian coordinates (no inversions); each step
        // multiplies in the line through the points involved, evaluated at P.
        var f = Fp12.One;
        var t = JacobianPoint<Fp2>.FromAffine(qx, qy);
        for (var bit = (int)LoopCount.GetBitLength() - 2; bit >= 0; bit--)
        {
            f = f.Square();
            f = DoublingStep(ref t, px, py, f);
            if (!(LoopCount >> bit).IsEven)
            {
                f = AdditionStep(ref t, qx, qy, px, py, f);
            }
        }

        // Q1 = π(Q) and Q2 = -π²(Q), with π the p-power Frobenius carried over to the twist: the optimal
        // ate pairing adds the lines through T, Q1 and then T + Q1, -Q2.
        var q1x = qx.Conjugate() * Fp12.FrobeniusCoefficient(1, 2);
        var q1y = qy.Conjugate() * Fp12.FrobeniusCoefficient(1, 3);
        var q2x = qx * Fp12.FrobeniusCoefficient(2, 2);
        var q2y = -(qy * Fp12.FrobeniusCoefficient(2, 3));
        f = AdditionStep(ref t, q1x, q1y, px, py, f);
        return AdditionStep(ref t, q2x, q2y, px, py, f);
    }

    internal static Fp12 FinalExponentiation(Fp12 f)
    {
        if (!HardPartDigitsChecked)
        {
            throw new InvalidOperationException("The final exponentiation's constants are wrong.");
        }

        // f^(p⁶ - 1) = conj(f)/f, then ^(p² + 1) with one Frobenius. The result is in the cyclotomic
        // subgroup, where the inverse is the conjugate; the hard part uses that for its negative digits.
        var easy = f.Conjugate() * f.Inverse();
        easy = easy.Frobenius(2) * easy;

        // easy^(u^j) for j = 0..3: three exponentiations by the 63-bit u replace one by a 762-bit exponent.
        Span<Fp12> uPowers = [easy, default, default, default];
        for (var j = 1; j < 4; j++)
        {
            uPowers[j] = PowUnsigned(uPowers[j - 1], CurveParameterBits);
        }

        var result = Fp12.One;
        for (var i = 0; i < HardPartDigits.Length; i++)
        {
            var digit = Fp12.One;
            for (var j = 0; j < 4; j++)
            {
                var coefficient = HardPartDigits[i][j];
                if (coefficient != 0)
                {
                    var power = PowUnsigned(uPowers[j], (ulong)Math.Abs(coefficient));
                    digit *= coefficient < 0 ? power.Conjugate() : power;
                }
            }

            result *= i == 0 ? digit : digit.Frobenius(i);
        }

        return result;
    }

    private static Fp12 PowUnsigned(Fp12 value, ulong exponent)
    {
        var result = Fp12.One;
        for (var bit = 63 - BitOperations.LeadingZeroCount(exponent); bit >= 0; bit--)
        {
            result = result.Square();
            if (((exponent >> bit) & 1) != 0)
            {
                result *= value;
            }
        }

        return result;
    }

    // The tangent at T = (X, Y, Z) (Jacobian: x = X/Z², y = Y/Z³) has slope λ = 3X²/(2YZ). Mapped to E(F_p¹²)
    // by (x, y) ↦ (x·w², y·w³) and evaluated at P it is y_P - λ·x_P·w + (λ·x_T - y_T)·w³; scaled by 2YZ³ (an
    // F_p² factor, which the final exponentiation removes, as it does the vertical lines never computed):
    // 2YZ³·y_P - 3X²Z²·x_P·w + (3X³ - 2Y²)·w³.
    private static Fp12 DoublingStep(ref JacobianPoint<Fp2> t, Fp px, Fp py, Fp12 f)
    {
        var xSquared = t.X.Square();
        var zSquared = t.Z.Square();
        var threeXSquared = xSquared.Double() + xSquared;
        var c0 = (t.Y * zSquared * t.Z).Double() * py;
        var c1 = -(threeXSquared * zSquared * px);
        var c3 = (threeXSquared * t.X) - t.Y.Square().Double();
        t = t.Double();
        return f.MultiplyByLine(c0, c1, c3);
    }

    // The chord through T and the affine point Q has slope λ = N/D with N = y_Q·Z³ - Y and D = (x_Q·Z² - X)·Z.
    // Written through Q and scaled by D: D·y_P - N·x_P·w + (N·x_Q - D·y_Q)·w³.
    private static Fp12 AdditionStep(ref JacobianPoint<Fp2> t, Fp2 qx, Fp2 qy, Fp px, Fp py, Fp12 f)
    {
        var zSquared = t.Z.Square();
        var h = (qx * zSquared) - t.X;
        if (h.IsZero)
        {
            // T = ±Q cannot happen: T is [k]Q for 1 < k < r, or that plus Frobenius images whose multiples
            // differ from ±1 mod r for this curve's parameters. Reaching here is a bug, not bad input.
            throw new InvalidOperationException("Miller loop reached T = ±Q; the loop parameters are wrong.");
        }

        var numerator = (qy * zSquared * t.Z) - t.Y;
        var denominator = h * t.Z;
        var c0 = denominator * py;
        var c1 = -(numerator * px);
        var c3 = (numerator * qx) - (denominator * qy);
        t = t.Add(JacobianPoint<Fp2>.FromAffine(qx, qy));
        return f.MultiplyByLine(c0, c1, c3);
    }

    private static bool CheckHardPartDigits()
    {
        var p = Fp.Modulus;
        var numerator = BigInteger.Pow(p, 4) - BigInteger.Pow(p, 2) + 1;
        var hardExponent = BigInteger.DivRem(numerator, Bn254Curve.GroupOrder, out var remainder);
        var sum = BigInteger.Zero;
        for (var i = 0; i < HardPartDigits.Length; i++)
        {
            for (var j = 0; j < HardPartDigits[i].Length; j++)
            {
                sum += HardPartDigits[i][j] * BigInteger.Pow(CurveParameter, j) * BigInteger.Pow(p, i);
            }
        }

        return remainder.IsZero && sum == hardExponent;
    }
}
