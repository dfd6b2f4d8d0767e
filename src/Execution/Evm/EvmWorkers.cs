using Hyperion.Evm;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The EVMs of the threads that execute transactions, one per thread, made on a thread's first transaction and
/// kept across blocks (a processor is not thread-safe, and making one per execution would cost more than a
/// transfer). The rules (spec and precompiles) are fixed for their lifetime.
/// </summary>
public sealed class EvmWorkers : IDisposable
{
    private readonly ThreadLocal<EvmWorker> _workers;

    public EvmWorkers(EvmSpec spec, PrecompileTable precompiles, CodeAnalysisCache? codeCache = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(precompiles);
        Spec = spec;
        Precompiles = precompiles;
        var cache = codeCache ?? CodeAnalysisCache.Shared;
        _workers = new ThreadLocal<EvmWorker>(() => new EvmWorker(spec, precompiles, cache));
    }

    public EvmSpec Spec { get; }

    public PrecompileTable Precompiles { get; }

    internal EvmWorker Current => _workers.Value!;

    public void Dispose() => _workers.Dispose();
}
