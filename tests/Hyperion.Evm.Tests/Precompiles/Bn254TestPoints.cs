using System.Numerics;
using Hyperion.Core;
using Hyperion.Evm.Precompiles.Bn254;

namespace Hyperion.Evm.Tests.Precompiles;

/// <summary>Generators, encodings and scalar helpers shared by the alt_bn128 tests.</summary>
internal static class Bn254TestPoints
{
    public static readonly BigInteger P = Fp.Modulus;
    public static readonly BigInteger R = Bn254Curve.GroupOrder;

    public static readonly JacobianPoint<Fp> G1 = JacobianPoint<Fp>.FromAffine(Fp.FromUInt64(1), Fp.FromUInt64(2));

    // EIP-197's G2 generator, as (x_im, x_re, y_im, y_re).
    public static readonly byte[] G2Encoded = Hex.Decode(
        "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
        + "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
        + "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
        + "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa");

    public static JacobianPoint<Fp2> G2
    {
        get
        {
            Assert.True(Bn254Curve.TryReadG2(G2Encoded, out var g2));
            return g2;
        }
    }

    public static byte[] Scalar(BigInteger value)
    {
        var bytes = new byte[32];
        var trimmed = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        trimmed.CopyTo(bytes, 32 - trimmed.Length);
        return bytes;
    }

    public static byte[] Word(BigInteger value) => Scalar(value);

    public static byte[] EncodeG1(in JacobianPoint<Fp> point)
    {
        var bytes = new byte[64];
        Bn254Curve.WriteG1(point, bytes);
        return bytes;
    }

    public static byte[] EncodeG2(in JacobianPoint<Fp2> point)
    {
        var bytes = new byte[128];
        if (point.IsInfinity)
        {
            return bytes;
        }

        var (x, y) = point.ToAffine();
        x.B.Write(bytes.AsSpan(0, 32));
        x.A.Write(bytes.AsSpan(32, 32));
        y.B.Write(bytes.AsSpan(64, 32));
        y.A.Write(bytes.AsSpan(96, 32));
        return bytes;
    }

    public static BigInteger Mod(BigInteger value, BigInteger modulus)
    {
        var r = BigInteger.Remainder(value, modulus);
        return r.Sign < 0 ? r + modulus : r;
    }
}
