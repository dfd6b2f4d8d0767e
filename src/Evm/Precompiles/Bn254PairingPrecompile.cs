using Hyperion.Evm.Precompiles.Bn254;

namespace Hyperion.Evm.Precompiles;

/// <summary>
/// 0x08: the alt_bn128 pairing check (EIP-197), priced by EIP-1108. The input is k pairs of a G1 point
/// (64 bytes) and a G2 point (128 bytes); the output is the 32-byte word 1 when Π e(P_i, Q_i) = 1, else 0.
/// Empty input is the empty product: 1. A length that is not a multiple of 192, a coordinate not below p, a
/// point off its curve or a G2 point outside the order-r subgroup fails the call.
/// </summary>
public sealed class Bn254PairingPrecompile : IPrecompile
{
    public const long BaseGas = 45_000;
    public const long GasPerPair = 34_000;
    public const int PairLength = Bn254Curve.G1EncodedLength + Bn254Curve.G2EncodedLength;

    public static Bn254PairingPrecompile Instance { get; } = new();

    public long GasCost(ReadOnlySpan<byte> input) =>
        PrecompileGas.SaturatingAdd(BaseGas, PrecompileGas.SaturatingMultiply(input.Length / PairLength, GasPerPair));

    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = [];
        if (input.Length % PairLength != 0)
        {
            return false;
        }

        var pairs = new (JacobianPoint<Fp> P, JacobianPoint<Fp2> Q)[input.Length / PairLength];
        for (var i = 0; i < pairs.Length; i++)
        {
            var pair = input.Slice(i * PairLength, PairLength);
            if (!Bn254Curve.TryReadG1(pair[..Bn254Curve.G1EncodedLength], out var p)
                || !Bn254Curve.TryReadG2(pair[Bn254Curve.G1EncodedLength..], out var q))
            {
                return false;
            }

            pairs[i] = (p, q);
        }

        output = new byte[32];
        output[31] = Bn254Pairing.IsProductOne(pairs) ? (byte)1 : (byte)0;
        return true;
    }
}
