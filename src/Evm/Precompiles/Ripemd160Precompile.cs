namespace Hyperion.Evm.Precompiles;

/// <summary>0x03: RIPEMD-160 of the input, left-padded with zeros to a 32-byte word.</summary>
public sealed class Ripemd160Precompile : IPrecompile
{
    public const long BaseGas = 600;
    public const long GasPerWord = 120;

    public static Ripemd160Precompile Instance { get; } = new();

    public long GasCost(ReadOnlySpan<byte> input) => PrecompileGas.BasePlusPerWord(input.Length, BaseGas, GasPerWord);

    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = new byte[32];
        Ripemd160.HashData(input, output.AsSpan(32 - Ripemd160.HashLength));
        return true;
    }
}
