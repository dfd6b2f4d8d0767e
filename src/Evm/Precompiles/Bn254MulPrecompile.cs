using Hyperion.Evm.Precompiles.Bn254;

namespace Hyperion.Evm.Precompiles;

/// <summary>0x07: multiplies an alt_bn128 G1 point by a 256-bit scalar (EIP-196), priced by EIP-1108. The
/// input is read as 96 bytes (x, y, scalar); the scalar is used as given, not reduced mod r.</summary>
public sealed class Bn254MulPrecompile : IPrecompile
{
    public const long Gas = 6000;

    private const int InputLength = Bn254Curve.G1EncodedLength + 32;

    public static Bn254MulPrecompile Instance { get; } = new();

    public long GasCost(ReadOnlySpan<byte> input) => Gas;

    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        Span<byte> padded = stackalloc byte[InputLength];
        PrecompileGas.CopyPadded(input, padded);
        output = [];
        if (!Bn254Curve.TryReadG1(padded[..64], out var point))
        {
            return false;
        }

        output = new byte[Bn254Curve.G1EncodedLength];
        Bn254Curve.WriteG1(point.Multiply(padded[64..]), output);
        return true;
    }
}
