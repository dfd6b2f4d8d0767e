using System.Numerics;
using CsCheck;
using Hyperion.Evm.Precompiles.Bn254;
using static Hyperion.Evm.Tests.Precompiles.Bn254TestPoints;

namespace Hyperion.Evm.Tests.Precompiles;

/// <summary>The Montgomery field and its extension tower against BigInteger arithmetic and field laws.</summary>
public sealed class Bn254FieldTests
{
    private static readonly Gen<BigInteger> Element = Gen.Frequency(
        (8, Gen.Byte.Array[32].Select(b => Mod(new BigInteger(b, isUnsigned: true, isBigEndian: true), P))),
        (2, Gen.OneOf(BigInteger.Zero, BigInteger.One, P - 1, P - 2, (P - 1) / 2, BigInteger.One << 253, (BigInteger.One << 64) - 1)));

    private static readonly Gen<Fp2> Fp2Element = Gen.Select(Element, Element, (a, b) => new Fp2(Fp.FromBigInteger(a), Fp.FromBigInteger(b)));

    private static readonly Gen<Fp6> Fp6Element = Gen.Select(Fp2Element, Fp2Element, Fp2Element, (a, b, c) => new Fp6(a, b, c));

    private static readonly Gen<Fp12> Fp12Element = Gen.Select(Fp6Element, Fp6Element, (a, b) => new Fp12(a, b));

    [Fact]
    public void Fp_arithmetic_matches_BigInteger()
    {
        Gen.Select(Element, Element).Sample((a, b) =>
        {
            var x = Fp.FromBigInteger(a);
            var y = Fp.FromBigInteger(b);
            Assert.Equal(a, x.ToBigInteger());
            Assert.Equal(Mod(a + b, P), (x + y).ToBigInteger());
            Assert.Equal(Mod(a - b, P), (x - y).ToBigInteger());
            Assert.Equal(Mod(-a, P), (-x).ToBigInteger());
            Assert.Equal(Mod(a * b, P), (x * y).ToBigInteger());
            Assert.Equal(Mod(a * a, P), x.Square().ToBigInteger());
            if (!a.IsZero)
            {
                Assert.Equal(BigInteger.ModPow(a, P - 2, P), x.Inverse().ToBigInteger());
                Assert.Equal(Fp.One, x * x.Inverse());
            }
        }, iter: 500);
    }

    [Fact]
    public void Fp_reads_only_canonical_big_endian_values()
    {
        Assert.True(Fp.TryRead(Word(P - 1), out var largest));
        Assert.Equal(P - 1, largest.ToBigInteger());
        Assert.False(Fp.TryRead(Word(P), out _));
        Assert.False(Fp.TryRead(Word(P + 1), out _));
        Assert.False(Fp.TryRead(Word((BigInteger.One << 256) - 1), out _));

        var bytes = new byte[32];
        largest.Write(bytes);
        Assert.Equal(Word(P - 1), bytes);
    }

    [Fact]
    public void Extension_fields_have_inverses_and_consistent_squares()
    {
        Fp2Element.Sample(a =>
        {
            Assert.Equal(a * a, a.Square());
            if (!a.IsZero)
            {
                Assert.Equal(Fp2.One, a * a.Inverse());
            }

            Assert.Equal(a * Fp2.Xi, a.MultiplyByXi());
        }, iter: 200);

        Fp6Element.Sample(a =>
        {
            if (!a.IsZero)
            {
                Assert.Equal(Fp6.One, a * a.Inverse());
            }

            Assert.Equal(a * new Fp6(Fp2.Zero, Fp2.One, Fp2.Zero), a.MultiplyByV());
        }, iter: 100);

        Fp12Element.Sample(a =>
        {
            Assert.Equal(a * a, a.Square());
            Assert.Equal(Fp12.One, a * a.Inverse());
        }, iter: 50);
    }

    [Fact]
    public void Fp6_multiplication_is_associative_and_distributive()
    {
        Gen.Select(Fp6Element, Fp6Element, Fp6Element).Sample((a, b, c) =>
        {
            Assert.Equal((a * b) * c, a * (b * c));
            Assert.Equal(a * (b + c), (a * b) + (a * c));
        }, iter: 50);
    }

    [Fact]
    public void Frobenius_maps_are_powers_of_p()
    {
        Fp12Element.Sample(a =>
        {
            Assert.Equal(a.Pow(P), a.Frobenius(1));
            Assert.Equal(a.Frobenius(1).Frobenius(1), a.Frobenius(2));
            Assert.Equal(a.Frobenius(2).Frobenius(1), a.Frobenius(3));
        }, iter: 5);
    }

    [Fact]
    public void Pairing_is_bilinear_and_non_degenerate()
    {
        var g2 = G2;
        var e = Bn254Pairing.Pair(G1, g2);
        Assert.False(e.IsOne);
        Assert.True(e.Pow(R).IsOne);

        Gen.Select(Gen.ULong[1, ulong.MaxValue], Gen.ULong[1, ulong.MaxValue]).Sample((a, b) =>
        {
            var aP = G1.Multiply(Scalar(a));
            var bQ = g2.Multiply(Scalar(b));
            Assert.Equal(e.Pow((BigInteger)a * b), Bn254Pairing.Pair(aP, bQ));
        }, iter: 3);
    }

    [Fact]
    public void Jacobian_formulas_agree_with_repeated_addition()
    {
        var sum = JacobianPoint<Fp>.Infinity;
        for (var k = 1; k <= 20; k++)
        {
            sum = sum.Add(G1);
            Assert.True(sum.IsSamePointAs(G1.Multiply(Scalar(k))), $"k = {k}");
        }

        Assert.True(G1.Multiply(Scalar(R)).IsInfinity);
        Assert.True(G2.Multiply(Scalar(R)).IsInfinity);
        Assert.True(G1.Add(G1.Negate()).IsInfinity);
        Assert.True(G1.Double().IsSamePointAs(G1.Add(G1)));
    }
}
