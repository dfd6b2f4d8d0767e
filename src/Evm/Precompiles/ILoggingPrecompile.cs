namespace Hyperion.Evm.Precompiles;

/// <summary>
/// A precompile that also emits logs (the inference precompile pins each call in the receipt this way). The
/// interpreter calls this <see cref="TryRun(ReadOnlySpan{byte}, PrecompileLogSink, out byte[])"/> instead of
/// <see cref="IPrecompile.TryRun(ReadOnlySpan{byte}, out byte[])"/>. The logs go through the transaction's journal,
/// so they are dropped when the call fails (all its gas consumed) or when a calling frame reverts, exactly like
/// logs from LOG0..LOG4.
/// </summary>
public interface ILoggingPrecompile : IPrecompile
{
    /// <summary>Runs the precompile; <paramref name="logs"/> takes the logs it emits. False means failure, as for <see cref="IPrecompile.TryRun(ReadOnlySpan{byte}, out byte[])"/>.</summary>
    bool TryRun(ReadOnlySpan<byte> input, PrecompileLogSink logs, out byte[] output);
}
