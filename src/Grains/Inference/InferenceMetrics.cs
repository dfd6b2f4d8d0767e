using System.Diagnostics.Metrics;

namespace Hyperion.Grains.Inference;

/// <summary>
/// The grid's serving metrics on meter <see cref="MeterName"/>, tagged with model and shard: queue time apart from
/// compute time (as Triton reports them), batch sizes, requests, and refusals from a full queue.
/// </summary>
public sealed class InferenceMetrics
{
    public const string MeterName = "Hyperion.Inference";

    private readonly Histogram<double> _queueTime;
    private readonly Histogram<double> _computeTime;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _failovers;

    public InferenceMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _queueTime = meter.CreateHistogram<double>("hyperion.inference.queue_time", "ms", "Time a request waited in a shard replica's queue before its batch started.");
        _computeTime = meter.CreateHistogram<double>("hyperion.inference.compute_time", "ms", "Time a batch spent in ONNX Runtime.");
        _batchSize = meter.CreateHistogram<int>("hyperion.inference.batch_size", "{request}", "Requests run together as one batch.");
        _requests = meter.CreateCounter<long>("hyperion.inference.requests", "{request}", "Requests a shard replica ran.");
        _rejected = meter.CreateCounter<long>("hyperion.inference.rejected", "{request}", "Requests refused because a shard replica's queue was full.");
        _failovers = meter.CreateCounter<long>("hyperion.inference.failovers", "{request}", "Shard calls retried on another replica.");
    }

    internal void RecordBatch(string model, int shard, int size, double computeMs)
    {
        var tags = Tags(model, shard);
        _batchSize.Record(size, tags);
        _computeTime.Record(computeMs, tags);
        _requests.Add(size, tags);
    }

    internal void RecordQueueTime(string model, int shard, double queueMs) => _queueTime.Record(queueMs, Tags(model, shard));

    internal void RecordRejected(string model, int shard) => _rejected.Add(1, Tags(model, shard));

    internal void RecordFailover(string model, int shard) => _failovers.Add(1, Tags(model, shard));

    private static System.Diagnostics.TagList Tags(string model, int shard) => new() { { "model", model }, { "shard", shard } };
}
