using System.Security.Cryptography;

namespace Hyperion.Evm.Precompiles;

/// <summary>0x02: SHA-256 of the input.</summary>
public sealed class Sha256Precompile : IPrecompile
{
    public const long BaseGas = 60;
    public const long GasPerWord = 12;

    public static Sha256Precompile Instance { get; } = new();

    public long GasCost(ReadOnlySpan<byte> input) => PrecompileGas.BasePlusPerWord(input.Length, BaseGas, GasPerWord);

    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = SHA256.HashData(input);
        return true;
    }
}
