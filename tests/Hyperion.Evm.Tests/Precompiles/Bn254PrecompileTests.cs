using System.Numerics;
using CsCheck;
using Hyperion.Evm.Precompiles;
using Hyperion.Evm.Precompiles.Bn254;
using static Hyperion.Evm.Tests.Precompiles.Bn254TestPoints;

namespace Hyperion.Evm.Tests.Precompiles;

/// <summary>0x06 add, 0x07 mul and 0x08 pairing beyond go-ethereum's vectors: identities, edge cases and
/// every kind of invalid input.</summary>
public sealed class Bn254PrecompileTests
{
    private static readonly byte[] G1Encoded = EncodeG1(G1);

    private static byte[] RunOk(IPrecompile precompile, byte[] input)
    {
        Assert.True(precompile.TryRun(input, out var output));
        return output;
    }

    private static void AssertFails(IPrecompile precompile, byte[] input)
    {
        Assert.False(precompile.TryRun(input, out var output));
        Assert.Empty(output);
    }

    private static byte[] Mul(byte[] point, BigInteger scalar) => RunOk(Bn254MulPrecompile.Instance, [.. point, .. Scalar(scalar)]);

    private static byte[] PairingWord(bool isOne)
    {
        var word = new byte[32];
        word[31] = isOne ? (byte)1 : (byte)0;
        return word;
    }

    [Fact]
    public void Add_agrees_with_mul_by_two_and_with_the_group_law()
    {
        var doubled = RunOk(Bn254AddPrecompile.Instance, [.. G1Encoded, .. G1Encoded]);
        Assert.Equal(Mul(G1Encoded, 2), doubled);

        Gen.Select(Gen.ULong, Gen.ULong).Sample((a, b) =>
        {
            var sum = RunOk(Bn254AddPrecompile.Instance, [.. Mul(G1Encoded, a), .. Mul(G1Encoded, b)]);
            Assert.Equal(Mul(G1Encoded, (BigInteger)a + b), sum);
        }, iter: 20);
    }

    [Fact]
    public void Add_handles_infinity_and_inverses()
    {
        var zero = new byte[64];
        Assert.Equal(zero, RunOk(Bn254AddPrecompile.Instance, []));
        Assert.Equal(G1Encoded, RunOk(Bn254AddPrecompile.Instance, [.. G1Encoded]));
        Assert.Equal(G1Encoded, RunOk(Bn254AddPrecompile.Instance, [.. zero, .. G1Encoded]));

        var negated = EncodeG1(G1.Negate());
        Assert.Equal(zero, RunOk(Bn254AddPrecompile.Instance, [.. G1Encoded, .. negated]));

        // Bytes beyond 128 are ignored.
        Assert.Equal(Mul(G1Encoded, 2), RunOk(Bn254AddPrecompile.Instance, [.. G1Encoded, .. G1Encoded, 0xff, 0xff]));
        Assert.Equal(150, Bn254AddPrecompile.Instance.GasCost([]));
    }

    [Fact]
    public void Add_rejects_points_off_the_curve_and_coordinates_not_below_p()
    {
        var offCurve = Scalar(1).Concat(Scalar(3)).ToArray();
        AssertFails(Bn254AddPrecompile.Instance, [.. G1Encoded, .. offCurve]);
        AssertFails(Bn254AddPrecompile.Instance, [.. offCurve, .. G1Encoded]);

        // (1, 2 + p) is (1, 2) mod p, but the encoding is not canonical.
        var unreduced = Scalar(1).Concat(Scalar(2 + P)).ToArray();
        AssertFails(Bn254AddPrecompile.Instance, [.. G1Encoded, .. unreduced]);
        var xIsP = Scalar(P).Concat(Scalar(0)).ToArray();
        AssertFails(Bn254AddPrecompile.Instance, [.. xIsP]);

        // Only (0, 0) encodes infinity: (0, y) for y ≠ 0 is a point off the curve (y² = 3 has no solution
        // at x = 0 that the encoding could mean).
        AssertFails(Bn254AddPrecompile.Instance, [.. Scalar(0), .. Scalar(1)]);
    }

    [Fact]
    public void Mul_by_zero_one_the_group_order_and_the_largest_scalar()
    {
        var zero = new byte[64];
        Assert.Equal(zero, Mul(G1Encoded, 0));
        Assert.Equal(G1Encoded, Mul(G1Encoded, 1));
        Assert.Equal(zero, Mul(G1Encoded, R));
        Assert.Equal(G1Encoded, Mul(G1Encoded, R + 1));
        Assert.Equal(zero, Mul(zero, 12345));

        // The scalar is not reduced first, but the result equals the reduced one's.
        var largest = (BigInteger.One << 256) - 1;
        Assert.Equal(Mul(G1Encoded, largest % R), Mul(G1Encoded, largest));
        Assert.Equal(6000, Bn254MulPrecompile.Instance.GasCost([]));
    }

    [Fact]
    public void Mul_pads_short_input_and_rejects_invalid_points()
    {
        Assert.Equal(new byte[64], RunOk(Bn254MulPrecompile.Instance, []));
        Assert.Equal(new byte[64], RunOk(Bn254MulPrecompile.Instance, G1Encoded));
        Assert.Equal(Mul(G1Encoded, 1), RunOk(Bn254MulPrecompile.Instance, [.. G1Encoded, .. new byte[31], 1, 0xaa]));

        AssertFails(Bn254MulPrecompile.Instance, [.. Scalar(1), .. Scalar(3), .. Scalar(2)]);
        AssertFails(Bn254MulPrecompile.Instance, [.. Scalar(P + 1), .. Scalar(2), .. Scalar(2)]);
    }

    [Fact]
    public void Pairing_of_a_point_and_its_negation_is_one()
    {
        var g2 = EncodeG2(G2);
        var negatedG1 = EncodeG1(G1.Negate());

        Assert.Equal(PairingWord(true), RunOk(Bn254PairingPrecompile.Instance, [.. G1Encoded, .. g2, .. negatedG1, .. g2]));
        Assert.Equal(PairingWord(false), RunOk(Bn254PairingPrecompile.Instance, [.. G1Encoded, .. g2]));
        Assert.Equal(PairingWord(false), RunOk(Bn254PairingPrecompile.Instance, [.. G1Encoded, .. g2, .. G1Encoded, .. g2]));
    }

    [Fact]
    public void Pairing_check_holds_for_e_aP_bQ_times_e_minus_abP_Q()
    {
        var g2 = G2;
        Gen.Select(Gen.ULong[1, ulong.MaxValue], Gen.ULong[1, ulong.MaxValue]).Sample((a, b) =>
        {
            var aP = G1.Multiply(Scalar(a));
            var bQ = g2.Multiply(Scalar(b));
            var minusAbP = G1.Multiply(Scalar(R - ((BigInteger)a * b % R)));
            byte[] input = [.. EncodeG1(aP), .. EncodeG2(bQ), .. EncodeG1(minusAbP), .. EncodeG2(g2)];
            Assert.Equal(PairingWord(true), RunOk(Bn254PairingPrecompile.Instance, input));
        }, iter: 3);
    }

    [Fact]
    public void Pairing_of_nothing_or_of_points_at_infinity_is_one()
    {
        Assert.Equal(PairingWord(true), RunOk(Bn254PairingPrecompile.Instance, []));
        Assert.Equal(PairingWord(true), RunOk(Bn254PairingPrecompile.Instance, new byte[192]));
        Assert.Equal(PairingWord(true), RunOk(Bn254PairingPrecompile.Instance, [.. G1Encoded, .. new byte[128]]));
        Assert.Equal(PairingWord(true), RunOk(Bn254PairingPrecompile.Instance, [.. new byte[64], .. EncodeG2(G2)]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(191)]
    [InlineData(193)]
    [InlineData(383)]
    public void Pairing_input_must_be_a_multiple_of_192_bytes(int length) =>
        AssertFails(Bn254PairingPrecompile.Instance, new byte[length]);

    [Fact]
    public void Pairing_rejects_invalid_G1_points()
    {
        var g2 = EncodeG2(G2);
        AssertFails(Bn254PairingPrecompile.Instance, [.. Scalar(1), .. Scalar(3), .. g2]);
        AssertFails(Bn254PairingPrecompile.Instance, [.. Scalar(1), .. Scalar(2 + P), .. g2]);

        // An invalid second pair fails the whole call even though the first is fine.
        AssertFails(Bn254PairingPrecompile.Instance, [.. G1Encoded, .. g2, .. Scalar(1), .. Scalar(3), .. g2]);
    }

    [Fact]
    public void Pairing_rejects_G2_points_off_the_twist_or_with_unreduced_coordinates()
    {
        var g2 = EncodeG2(G2);
        var offTwist = (byte[])g2.Clone();
        offTwist[127] ^= 1;
        AssertFails(Bn254PairingPrecompile.Instance, [.. G1Encoded, .. offTwist]);

        // Swapping the real and imaginary parts (the classic encoding mistake) leaves the twist.
        byte[] swapped = [.. g2.AsSpan(32, 32), .. g2.AsSpan(0, 32), .. g2.AsSpan(96, 32), .. g2.AsSpan(64, 32)];
        AssertFails(Bn254PairingPrecompile.Instance, [.. G1Encoded, .. swapped]);

        var unreduced = (byte[])g2.Clone();
        Scalar(new BigInteger(g2.AsSpan(0, 32), isUnsigned: true, isBigEndian: true) + P).CopyTo(unreduced, 0);
        AssertFails(Bn254PairingPrecompile.Instance, [.. G1Encoded, .. unreduced]);
    }

    [Fact]
    public void Pairing_rejects_twist_points_outside_the_order_r_subgroup()
    {
        var point = TwistPointOutsideSubgroup();
        Assert.False(point.Multiply(Scalar(R)).IsInfinity);
        AssertFails(Bn254PairingPrecompile.Instance, [.. G1Encoded, .. EncodeG2(point)]);
        AssertFails(Bn254PairingPrecompile.Instance, [.. new byte[64], .. EncodeG2(point)]);
    }

    [Fact]
    public void Pairing_gas_is_45000_plus_34000_per_pair()
    {
        Assert.Equal(45_000, Bn254PairingPrecompile.Instance.GasCost([]));
        Assert.Equal(79_000, Bn254PairingPrecompile.Instance.GasCost(new byte[192]));
        Assert.Equal(45_000 + (34_000L * 10), Bn254PairingPrecompile.Instance.GasCost(new byte[1920]));
    }

    // A point on y² = x³ + 3/ξ found by trying x = 1, 2, 3…: the twist's group has order r·(2p - r), so such a
    // point is almost never in the order-r subgroup.
    private static JacobianPoint<Fp2> TwistPointOutsideSubgroup()
    {
        for (ulong candidate = 1; ; candidate++)
        {
            var x = new Fp2(Fp.FromUInt64(candidate), Fp.One);
            var ySquared = (x.Square() * x) + Bn254Curve.G2B;
            if (TrySquareRoot(ySquared, out var y))
            {
                var point = JacobianPoint<Fp2>.FromAffine(x, y);
                if (!point.Multiply(Scalar(R)).IsInfinity)
                {
                    return point;
                }
            }
        }
    }

    // Square root in F_p² for p ≡ 3 (mod 4), through the norm: for a = a0 + a1·i, with s = √(a0² + a1²),
    // x0 = √((a0 ± s)/2) and x1 = a1 / (2·x0).
    private static bool TrySquareRoot(Fp2 a, out Fp2 root)
    {
        root = default;
        var a0 = a.A.ToBigInteger();
        var a1 = a.B.ToBigInteger();
        if (!TrySquareRootFp(Mod((a0 * a0) + (a1 * a1), P), out var s))
        {
            return false;
        }

        var half = (P + 1) / 2;
        foreach (var delta in new[] { Mod((a0 + s) * half, P), Mod((a0 - s) * half, P) })
        {
            if (TrySquareRootFp(delta, out var x0) && !x0.IsZero)
            {
                var x1 = Mod(a1 * BigInteger.ModPow(2 * x0, P - 2, P), P);
                var candidate = new Fp2(Fp.FromBigInteger(x0), Fp.FromBigInteger(x1));
                if (candidate.Square().Equals(a))
                {
                    root = candidate;
                    return true;
                }
            }
        }

        return false;
    }

    private static bool TrySquareRootFp(BigInteger value, out BigInteger root)
    {
        root = BigInteger.ModPow(value, (P + 1) / 4, P);
        return Mod(root * root, P) == value;
    }
}
