namespace Hyperion.Inference.Manifests;

/// <summary>
/// What an inference call costs: <c>BaseGas + GasPerInputByte × inputBytes + ModelGas</c>, charged before running.
/// </summary>
/// <remarks>
/// The schedule is derived from the model, never chosen by whoever registers it, so a manifest with cheap gas is
/// invalid (<see cref="ModelManifest.Validate"/> re-derives it). With P the model's parameter count (elements of every
/// initializer and Constant, summed over shards) and B the input bytes of one entry along the free (batch)
/// dimension:
/// <list type="bullet">
/// <item><c>BaseGas = 3,000</c>: the lookup, routing and hashing every call pays (an <c>ecrecover</c>'s worth).</item>
/// <item><c>ModelGas = ⌈2·P / 1000⌉</c>: every weight is read at least once per call. A dense layer does one
/// multiply-accumulate per weight per batch entry, so P approximates the multiply-accumulates of one entry; at
/// 2 gas per 1,000 (one core does ~30 G multiply-accumulates/s, the EVM budget is ~60 gas/µs) one entry's compute
/// costs about what the same time spent in the EVM costs. For convolutions P is a lower bound (weights are reused
/// at every pixel).</item>
/// <item><c>GasPerInputByte = 16 + ⌈2·P / (1000·B)⌉</c>: 16 is the EVM's calldata price, the rest spreads one entry's
/// compute over that entry's bytes, so a batch of n entries pays n times the compute.</item>
/// </list>
/// </remarks>
public sealed record GasSchedule(ulong BaseGas, ulong GasPerInputByte, ulong ModelGas)
{
    public const ulong CallBaseGas = 3_000;
    public const ulong CalldataGasPerByte = 16;
    public const ulong GasPerThousandParameters = 2;

    /// <summary>The schedule for a model of <paramref name="parameterCount"/> parameters taking <paramref name="inputBytesPerEntry"/> bytes per batch entry.</summary>
    public static GasSchedule Derive(long parameterCount, long inputBytesPerEntry)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputBytesPerEntry);
        var computeGas = checked((UInt128)(ulong)parameterCount * GasPerThousandParameters);
        var modelGas = CeilingDivide(computeGas, 1000);
        var perByteCompute = CeilingDivide(computeGas, checked((UInt128)1000 * (ulong)inputBytesPerEntry));
        return new GasSchedule(CallBaseGas, checked(CalldataGasPerByte + (ulong)perByteCompute), (ulong)modelGas);
    }

    /// <summary>The gas for a call with <paramref name="inputByteCount"/> bytes of input; saturates at <see cref="ulong.MaxValue"/>, which no call can pay.</summary>
    public ulong Charge(long inputByteCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputByteCount);
        var total = (UInt128)BaseGas + ((UInt128)GasPerInputByte * (ulong)inputByteCount) + ModelGas;
        return total > ulong.MaxValue ? ulong.MaxValue : (ulong)total;
    }

    private static UInt128 CeilingDivide(UInt128 numerator, UInt128 denominator) => (numerator + denominator - 1) / denominator;
}
