using Hyperion.Evm.Precompiles.Bn254;

namespace Hyperion.Evm.Precompiles;

/// <summary>0x06: adds two alt_bn128 G1 points (EIP-196), priced by EIP-1108. The input is read as 128
/// bytes (x1, y1, x2, y2), truncated or zero-padded; a coordinate not below p or a point off the curve fails.</summary>
public sealed class Bn254AddPrecompile : IPrecompile
{
    public const long Gas = 150;

    private const int InputLength = 2 * Bn254Curve.G1EncodedLength;

    public static Bn254AddPrecompile Instance { get; } = new();

    public long GasCost(ReadOnlySpan<byte> input) => Gas;

    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        Span<byte> padded = stackalloc byte[InputLength];
        PrecompileGas.CopyPadded(input, padded);
        output = [];
        if (!Bn254Curve.TryReadG1(padded[..64], out var first) || !Bn254Curve.TryReadG1(padded[64..], out var second))
        {
            return false;
        }

        output = new byte[Bn254Curve.G1EncodedLength];
        Bn254Curve.WriteG1(first.Add(second), output);
        return true;
    }
}
