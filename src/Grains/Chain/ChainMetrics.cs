using System.Diagnostics.Metrics;

namespace Hyperion.Grains.Chain;

/// <summary>The chain's operator metrics, meter <c>Hyperion.Chain</c>: blocks, transactions, and where a block's time goes.</summary>
public sealed class ChainMetrics : IDisposable
{
    public const string MeterName = "Hyperion.Chain";

    private readonly Meter _meter;

    public ChainMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        BlocksCommitted = _meter.CreateCounter<long>("hyperion.chain.blocks_committed", description: "Blocks written to the block log");
        TransactionsCommitted = _meter.CreateCounter<long>("hyperion.chain.transactions_committed", description: "Transactions in committed blocks");
        TransactionsRejected = _meter.CreateCounter<long>("hyperion.chain.transactions_rejected", description: "Transactions refused by the mempool or left out of a block");
        BlockExecution = _meter.CreateHistogram<double>("hyperion.chain.block_execution", "ms", "Block-STM execution and roots");
        BlockLogAppend = _meter.CreateHistogram<double>("hyperion.chain.block_log_append", "ms", "Durable write of a block to the block log");
        GrainUpdate = _meter.CreateHistogram<double>("hyperion.chain.grain_update", "ms", "Applying a block to the account and contract grains");
        Replayed = _meter.CreateCounter<long>("hyperion.chain.blocks_replayed", description: "Blocks replayed from the block log (restart, lost silo)");
        MempoolSize = _meter.CreateUpDownCounter<long>("hyperion.chain.mempool_size", description: "Transactions waiting in the mempool");
        ContractsEvicted = _meter.CreateCounter<long>("hyperion.chain.contracts_evicted", description: "Contracts whose storage and code the coordinator dropped from memory");
        ContractLoads = _meter.CreateCounter<long>("hyperion.chain.contract_loads", description: "Evicted contracts loaded back from their contract grains (tag kind: prefetch, miss, checkpoint)");
        ContractHits = _meter.CreateCounter<long>("hyperion.chain.contract_hits", description: "Contracts a block calls directly that were in memory");
    }

    public Counter<long> BlocksCommitted { get; }

    public Counter<long> TransactionsCommitted { get; }

    public Counter<long> TransactionsRejected { get; }

    public Histogram<double> BlockExecution { get; }

    public Histogram<double> BlockLogAppend { get; }

    public Histogram<double> GrainUpdate { get; }

    public Counter<long> Replayed { get; }

    public UpDownCounter<long> MempoolSize { get; }

    public Counter<long> ContractsEvicted { get; }

    public Counter<long> ContractLoads { get; }

    public Counter<long> ContractHits { get; }

    public void Dispose() => _meter.Dispose();
}
