namespace Hyperion.Grains.Inference;

/// <summary>How the inference grid serves models on this silo (bound by <c>AddHyperionInference</c>).</summary>
public sealed class InferenceOptions
{
    /// <summary>The silo metadata key a GPU silo announces (value: its GPU count, or "true").</summary>
    public const string GpuMetadataKey = "hyperion.gpu";

    /// <summary>Replicas of each shard; a request moves to the next one when its replica's silo fails.</summary>
    public int Replicas { get; set; } = 2;

    /// <summary>The most requests one shard replica runs as one batch.</summary>
    public int MaxBatchSize { get; set; } = 16;

    /// <summary>
    /// How long the oldest waiting request may wait for the batch to fill. Zero: a batch is whatever has queued while
    /// the previous one ran (no added latency when idle).
    /// </summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Requests a replica queues before it refuses more (back-pressure: the caller tries another replica).</summary>
    public int MaxQueueLength { get; set; } = 256;

    /// <summary>Batches one replica runs at once (each on its own thread; the canonical profile uses one thread per run).</summary>
    public int ConcurrentBatches { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Whether this silo serves with CUDA (null: when it announces a GPU in its metadata).</summary>
    public bool? UseCuda { get; set; }

    /// <summary>The CUDA device for serving sessions.</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>How long the router keeps trying replicas of one shard before it gives up.</summary>
    public TimeSpan FailoverTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Results the precompile keeps by (model id, input hash), so that Block-STM re-executions do not re-run models.</summary>
    public int PrecompileCacheEntries { get; set; } = 4096;

    /// <summary>The chains the inference precompile is contributed to (empty: every chain).</summary>
    public ISet<ulong> PrecompileChains { get; } = new HashSet<ulong>();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Replicas);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBatchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxQueueDelay.Ticks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxQueueLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ConcurrentBatches);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PrecompileCacheEntries);
    }
}
