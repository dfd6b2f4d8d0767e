namespace Hyperion.Grains.Abstractions.Inference;

/// <summary>What one shard replica returned for one request.</summary>
/// <param name="Outputs">The shard's outputs.</param>
/// <param name="IsCanonical">Whether the session that ran it is under the canonical profile (only those results are pinned).</param>
/// <param name="QueueMicroseconds">Time from arrival in the replica's queue to the start of its batch.</param>
/// <param name="ComputeMicroseconds">Time the batch spent in ONNX Runtime (shared by every request in it).</param>
/// <param name="BatchSize">How many requests ran together.</param>
/// <param name="Silo">The silo that ran it.</param>
[GenerateSerializer, Immutable, Alias("hyperion.inference.ShardRunResult")]
public sealed record ShardRunResult(
    [property: Id(0)] TensorPayload[] Outputs,
    [property: Id(1)] bool IsCanonical,
    [property: Id(2)] double QueueMicroseconds,
    [property: Id(3)] double ComputeMicroseconds,
    [property: Id(4)] int BatchSize,
    [property: Id(5)] string Silo);

/// <summary>
/// A whole model's result through the grid, and its pins: the hashes of the inputs, of the activations at each cut
/// and of the outputs (the library's <c>TensorSet.Hash</c>), all 0x-prefixed hex.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperion.inference.InferenceResult")]
public sealed record InferenceResult(
    [property: Id(0)] string ModelId,
    [property: Id(1)] TensorPayload[] Outputs,
    [property: Id(2)] string InputHash,
    [property: Id(3)] string[] BoundaryHashes,
    [property: Id(4)] string OutputHash,
    [property: Id(5)] bool IsCanonical,
    [property: Id(6)] ShardTiming[] Shards);

/// <summary>How one shard of one request went: which replica on which silo, queue and compute time, batch size.</summary>
[GenerateSerializer, Immutable, Alias("hyperion.inference.ShardTiming")]
public sealed record ShardTiming(
    [property: Id(0)] int Shard,
    [property: Id(1)] int Replica,
    [property: Id(2)] string Silo,
    [property: Id(3)] double QueueMicroseconds,
    [property: Id(4)] double ComputeMicroseconds,
    [property: Id(5)] int BatchSize,
    [property: Id(6)] int Attempts);

/// <summary>A log as a receipt holds it: address (20 bytes), topics (32 bytes each) and data.</summary>
[GenerateSerializer, Immutable, Alias("hyperion.inference.ReceiptLog")]
public sealed record ReceiptLog(
    [property: Id(0)] byte[] Address,
    [property: Id(1)] byte[][] Topics,
    [property: Id(2)] byte[] Data);

/// <summary>
/// The verdict on one pinned inference call: the pins as the log states them, the canonical re-run's, whether they
/// match, and if not the first shard whose output differs (where a challenge starts).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperion.inference.PinVerification")]
public sealed record PinVerification(
    [property: Id(0)] int LogIndex,
    [property: Id(1)] string ModelId,
    [property: Id(2)] string InputHash,
    [property: Id(3)] string[] PinnedBoundaryHashes,
    [property: Id(4)] string PinnedOutputHash,
    [property: Id(5)] string[] RecomputedBoundaryHashes,
    [property: Id(6)] string? RecomputedOutputHash,
    [property: Id(7)] bool Matches,
    [property: Id(8)] int? FirstDivergentShard,
    [property: Id(9)] string? Problem);
