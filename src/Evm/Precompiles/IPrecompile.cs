namespace Hyperion.Evm.Precompiles;

/// <summary>
/// A precompiled contract: the interpreter charges <see cref="GasCost"/> before calling
/// <see cref="TryRun"/>. The host can add its own (the inference precompile at 0x…0a11 is one) through
/// <see cref="PrecompileTable"/>.
/// </summary>
public interface IPrecompile
{
    /// <summary>The gas this input costs; saturates at <see cref="long.MaxValue"/> rather than overflowing.</summary>
    long GasCost(ReadOnlySpan<byte> input);

    /// <summary>Runs the precompile. False means failure: the call consumes all the gas it was given and returns nothing.</summary>
    bool TryRun(ReadOnlySpan<byte> input, out byte[] output);
}
