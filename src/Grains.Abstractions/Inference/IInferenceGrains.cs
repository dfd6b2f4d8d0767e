using Orleans.Concurrency;

namespace Hyperion.Grains.Abstractions.Inference;

/// <summary>
/// The catalog of registered models (one, key 0): packages a model (splits it at the cuts and hashes the shards, which
/// gives the model id), stores it in that model's <see cref="IModelRegistryGrain"/>, and lists the models.
/// </summary>
public interface IModelCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Registers a model; registering the same bytes and cuts again returns the same model.</summary>
    Task<ModelInfo> RegisterAsync(string name, byte[] onnx, string[] cuts);

    /// <summary>The registered model ids, in registration order.</summary>
    Task<string[]> ListAsync();
}

/// <summary>One registered model, keyed by its model id (0x-prefixed lowercase hex): manifest and shard bytes, in the grid's storage.</summary>
public interface IModelRegistryGrain : IGrainWithStringKey
{
    /// <summary>Stores a packaged model. The manifest is re-read and every shard's bytes re-hashed against it first.</summary>
    Task<ModelInfo> StoreAsync(byte[] manifestJson, byte[][] shardBytes);

    /// <summary>The model, or null when nothing is registered under this id.</summary>
    [AlwaysInterleave]
    Task<ModelInfo?> GetAsync();

    /// <summary>One shard's .onnx bytes (the shard grains load these and re-hash them).</summary>
    [AlwaysInterleave]
    Task<byte[]> GetShardBytesAsync(int shard);
}

/// <summary>
/// One replica of one shard, keyed <c>{modelId}/{shard}/{replica}</c>: one ONNX Runtime session and a bounded
/// batching queue. Placed on silos that announce a GPU, on CPU silos when none does.
/// </summary>
public interface IModelShardGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs one request through this shard. With <paramref name="canonical"/> the request runs under the canonical CPU
    /// profile (the results can be pinned); otherwise under the silo's serving profile (CUDA where there is a GPU).
    /// Throws <see cref="InferenceBusyException"/> when the queue is full.
    /// </summary>
    Task<ShardRunResult> RunAsync(TensorPayload[] inputs, bool canonical);

    /// <summary>Where this replica runs and its counters.</summary>
    Task<ShardStatus> GetStatusAsync();
}

/// <summary>
/// Routes a request through a model's shards in order (replica chosen per request, another replica on failure),
/// and verifies pinned calls by a canonical re-run. A stateless worker: one per silo or more, no state of its own.
/// </summary>
public interface IInferenceRouterGrain : IGrainWithIntegerKey
{
    /// <summary>Runs the model on raw tensors.</summary>
    Task<InferenceResult> InferAsync(string modelId, TensorPayload[] inputs, bool canonical);

    /// <summary>Runs the model on numeric tensors (converted to the model's types), as the JSON-RPC method does.</summary>
    Task<InferenceResult> InferValuesAsync(string modelId, NumericTensor[] inputs);

    /// <summary>Every model with the status of each of its shard replicas.</summary>
    Task<ModelListing[]> ListModelsAsync();

    /// <summary>Re-runs, under the canonical profile, every inference pin among <paramref name="logs"/> and compares.</summary>
    Task<PinVerification[]> VerifyPinsAsync(ReceiptLog[] logs);
}
