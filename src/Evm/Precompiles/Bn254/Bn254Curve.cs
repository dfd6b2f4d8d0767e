using System.Globalization;
using System.Numerics;

namespace Hyperion.Evm.Precompiles.Bn254;

/// <summary>
/// The alt_bn128 curve of EIP-196/197: G1 is y² = x³ + 3 over F_p, G2 is the sextic twist
/// y² = x³ + 3/ξ over F_p², both of prime order r. Reads and writes points in the EVM's encoding:
/// 32-byte big-endian coordinates, (0, 0) for the point at infinity, F_p² coordinates imaginary part first.
/// </summary>
internal static class Bn254Curve
{
    public const int G1EncodedLength = 64;
    public const int G2EncodedLength = 128;

    /// <summary>r, the order of G1 and G2.</summary>
    public static readonly BigInteger GroupOrder = BigInteger.Parse("21888242871839275222246405745257275088548364400416034343698204186575808495617", CultureInfo.InvariantCulture);

    public static readonly Fp G1B = Fp.FromUInt64(3);

    /// <summary>b' = 3/ξ, the twist's constant.</summary>
    public static readonly Fp2 G2B = new Fp2(Fp.FromUInt64(3), Fp.Zero) * Fp2.Xi.Inverse();

    private static readonly byte[] GroupOrderBigEndian = GroupOrder.ToByteArray(isUnsigned: true, isBigEndian: true);

    /// <summary>Reads a G1 point; false when a coordinate is not below p or the point is not on the curve.
    /// G1 has cofactor 1, so every curve point is in the group.</summary>
    public static bool TryReadG1(ReadOnlySpan<byte> encoded, out JacobianPoint<Fp> point)
    {
        point = JacobianPoint<Fp>.Infinity;
        if (!Fp.TryRead(encoded[..32], out var x) || !Fp.TryRead(encoded[32..64], out var y))
        {
            return false;
        }

        if (x.IsZero && y.IsZero)
        {
            return true;
        }

        if (!y.Square().Equals((x.Square() * x) + G1B))
        {
            return false;
        }

        point = JacobianPoint<Fp>.FromAffine(x, y);
        return true;
    }

    /// <summary>Reads a G2 point; false when a coordinate is not below p, the point is not on the twist, or
    /// it is on the twist but outside the order-r subgroup (the twist's cofactor is not 1).</summary>
    public static bool TryReadG2(ReadOnlySpan<byte> encoded, out JacobianPoint<Fp2> point)
    {
        point = JacobianPoint<Fp2>.Infinity;
        if (!Fp.TryRead(encoded[..32], out var xImaginary) || !Fp.TryRead(encoded[32..64], out var xReal)
            || !Fp.TryRead(encoded[64..96], out var yImaginary) || !Fp.TryRead(encoded[96..128], out var yReal))
        {
            return false;
        }

        var x = new Fp2(xReal, xImaginary);
        var y = new Fp2(yReal, yImaginary);
        if (x.IsZero && y.IsZero)
        {
            return true;
        }

        if (!y.Square().Equals((x.Square() * x) + G2B))
        {
            return false;
        }

        var candidate = JacobianPoint<Fp2>.FromAffine(x, y);
        if (!candidate.Multiply(GroupOrderBigEndian).IsInfinity)
        {
            return false;
        }

        point = candidate;
        return true;
    }

    public static void WriteG1(in JacobianPoint<Fp> point, Span<byte> destination)
    {
        if (point.IsInfinity)
        {
            destination[..G1EncodedLength].Clear();
            return;
        }

        var (x, y) = point.ToAffine();
        x.Write(destination[..32]);
        y.Write(destination[32..64]);
    }
}
