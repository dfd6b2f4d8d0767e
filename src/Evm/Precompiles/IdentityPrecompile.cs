namespace Hyperion.Evm.Precompiles;

/// <summary>0x04: returns its input; contracts use it as a cheap memory copy.</summary>
public sealed class IdentityPrecompile : IPrecompile
{
    public const long BaseGas = 15;
    public const long GasPerWord = 3;

    public static IdentityPrecompile Instance { get; } = new();

    public long GasCost(ReadOnlySpan<byte> input) => PrecompileGas.BasePlusPerWord(input.Length, BaseGas, GasPerWord);

    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = input.ToArray();
        return true;
    }
}
