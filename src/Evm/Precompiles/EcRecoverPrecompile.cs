using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.Evm.Precompiles;

/// <summary>
/// 0x01: recovers the signer's address from (hash, v, r, s). A signature that does not recover is not a
/// failure: the call succeeds with empty output, so contracts can test signatures without losing their gas.
/// Unlike transactions, the precompile accepts s in the upper half of the curve order (EIP-2 never applied
/// to it).
/// </summary>
public sealed class EcRecoverPrecompile : IPrecompile
{
    public const long Gas = 3000;

    private const int InputLength = 128;

    public static EcRecoverPrecompile Instance { get; } = new();

    public long GasCost(ReadOnlySpan<byte> input) => Gas;

    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        Span<byte> padded = stackalloc byte[InputLength];
        PrecompileGas.CopyPadded(input, padded);
        output = [];

        // v is a whole 32-byte word that must equal 27 or 28: any other high byte makes it invalid.
        var v = padded.Slice(32, 32);
        if (v[..31].ContainsAnyExcept((byte)0) || (v[31] != 27 && v[31] != 28))
        {
            return true;
        }

        var signature = new Secp256k1Signature(
            (byte)(v[31] - 27),
            UInt256.FromBigEndian(padded.Slice(64, 32)),
            UInt256.FromBigEndian(padded.Slice(96, 32)));
        if (!Secp256k1Signer.TryRecoverAddress(new Hash256(padded[..32]), signature, out var address, requireLowS: false))
        {
            return true;
        }

        output = new byte[32];
        address.CopyTo(output.AsSpan(32 - Address.Length));
        return true;
    }
}
