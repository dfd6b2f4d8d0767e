namespace Hyperion.Grains.Abstractions.Inference;

/// <summary>A registered model as the registry holds it.</summary>
/// <param name="ModelId">The model id, 0x-prefixed lowercase hex of the 32-byte content hash.</param>
/// <param name="Name">The name given at registration.</param>
/// <param name="ShardCount">How many shards run in sequence.</param>
/// <param name="ManifestJson">The manifest in its canonical JSON form (the library's <c>ModelManifest.FromCanonicalJson</c> reads it).</param>
/// <param name="ManifestHash">Keccak-256 of <paramref name="ManifestJson"/>, 0x-prefixed hex.</param>
/// <param name="ParameterCount">Parameters summed over shards.</param>
/// <param name="Cuts">For each cut, the tensor names that pass from one shard to the next.</param>
[GenerateSerializer, Immutable, Alias("hyperion.inference.ModelInfo")]
public sealed record ModelInfo(
    [property: Id(0)] string ModelId,
    [property: Id(1)] string Name,
    [property: Id(2)] int ShardCount,
    [property: Id(3)] byte[] ManifestJson,
    [property: Id(4)] string ManifestHash,
    [property: Id(5)] long ParameterCount,
    [property: Id(6)] string[][] Cuts);

/// <summary>Where one replica of one shard runs, and how it has been doing.</summary>
[GenerateSerializer, Immutable, Alias("hyperion.inference.ShardStatus")]
public sealed record ShardStatus(
    [property: Id(0)] string ModelId,
    [property: Id(1)] int Shard,
    [property: Id(2)] int Replica,
    [property: Id(3)] string Silo,
    [property: Id(4)] bool SiloHasGpu,
    [property: Id(5)] string ServingProvider,
    [property: Id(6)] string? ProviderFallbackReason,
    [property: Id(7)] long Requests,
    [property: Id(8)] long Batches,
    [property: Id(9)] int LargestBatch,
    [property: Id(10)] int QueueLength);

/// <summary>A model and where its shards run, as <c>hyperion_models</c> lists it.</summary>
[GenerateSerializer, Immutable, Alias("hyperion.inference.ModelListing")]
public sealed record ModelListing(
    [property: Id(0)] ModelInfo Model,
    [property: Id(1)] ShardStatus[] Shards);
