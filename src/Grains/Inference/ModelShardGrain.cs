using System.Globalization;
using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Inference;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Hyperion.Grains.Inference;

/// <summary>
/// One replica of one shard, keyed <c>{modelId}/{shard}/{replica}</c>. On activation it loads the shard's bytes from
/// the registry and opens its session (re-hashing the bytes) off the scheduler. Reentrant, so that requests arriving
/// together wait in its <see cref="BatchingQueue"/> together and run as one batch.
/// </summary>
/// <remarks>
/// Two profiles: canonical requests (everything pinned, and the JSON-RPC) run under the canonical CPU profile; others
/// under the serving profile, CUDA on a silo that has a GPU. On a CPU silo, or when CUDA falls back to CPU, the
/// serving session is canonical and serves both.
/// </remarks>
[GpuPreferredPlacement]
[Reentrant]
public sealed class ModelShardGrain(
    IGrainFactory grains,
    IOptions<InferenceOptions> options,
    InferenceMetrics metrics,
    LocalSiloGpu localGpu,
    ILocalSiloDetails silo) : Grain, IModelShardGrain
{
    private readonly InferenceOptions _options = options.Value;
    private string _modelId = string.Empty;
    private int _shard;
    private int _replica;
    private ShardManifest? _manifest;
    private byte[]? _bytes;
    private BatchingQueue? _serving;
    private Task<BatchingQueue>? _canonical;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_modelId, _shard, _replica) = ShardKeys.Parse(this.GetPrimaryKeyString());
        var registry = grains.GetGrain<IModelRegistryGrain>(_modelId);
        var info = await registry.GetAsync() ?? throw new InferenceRequestException($"no model {_modelId} is registered");
        var manifest = ModelManifest.FromCanonicalJson(info.ManifestJson);
        if (_shard >= manifest.Shards.Length)
        {
            throw new InferenceRequestException($"model {_modelId} has no shard {_shard}");
        }

        _manifest = manifest.Shards[_shard];
        _bytes = await registry.GetShardBytesAsync(_shard);
        var useCuda = _options.UseCuda ?? localGpu.HasGpu;
        var profile = useCuda ? RuntimeProfile.Canonical with { Provider = ExecutionProviderKind.Cuda } : RuntimeProfile.Canonical;
        var shardManifest = _manifest;
        var bytes = _bytes;
        var session = await Task.Run(() => ShardSession.Open(shardManifest, bytes, profile, _options.CudaDeviceId), cancellationToken);
        _serving = NewQueue(session);
        if (session.IsCanonical)
        {
            _canonical = Task.FromResult(_serving);
            _bytes = null;
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var canonical = _canonical is { IsCompletedSuccessfully: true } ? _canonical.Result : null;
        foreach (var queue in new[] { _serving, canonical }.OfType<BatchingQueue>().Distinct())
        {
            await queue.DisposeAsync();
            queue.Session.Dispose();
        }
    }

    public async Task<ShardRunResult> RunAsync(TensorPayload[] inputs, bool canonical)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var queue = canonical ? await CanonicalQueueAsync() : _serving!;
        Hyperion.Inference.Tensors.TensorSet tensors;
        try
        {
            tensors = inputs.ToTensorSet();
        }
        catch (InvalidInferenceInputException exception)
        {
            throw new InferenceRequestException(exception.Message);
        }

        if (!queue.TryEnqueue(tensors, out var pending))
        {
            metrics.RecordRejected(_modelId, _shard);
            throw new InferenceBusyException($"shard {_shard} replica {_replica} of model {_modelId} has {_options.MaxQueueLength} requests queued");
        }

        BatchOutcome outcome;
        try
        {
            outcome = await pending;
        }
        catch (InvalidInferenceInputException exception)
        {
            throw new InferenceRequestException(exception.Message);
        }

        metrics.RecordQueueTime(_modelId, _shard, outcome.QueueMicroseconds / 1000);
        return new ShardRunResult(outcome.Outputs.ToPayloads(), queue.Session.IsCanonical, outcome.QueueMicroseconds, outcome.ComputeMicroseconds, outcome.BatchSize, silo.SiloAddress.ToString());
    }

    public Task<ShardStatus> GetStatusAsync()
    {
        var serving = _serving!;
        return Task.FromResult(new ShardStatus(
            _modelId,
            _shard,
            _replica,
            silo.SiloAddress.ToString(),
            localGpu.HasGpu,
            serving.Session.ActiveProvider.ToString(),
            serving.Session.ProviderFallbackReason,
            serving.Requests,
            serving.Batches,
            serving.LargestBatch,
            serving.Length));
    }

    private Task<BatchingQueue> CanonicalQueueAsync() =>
        _canonical ??= Task.Run(() =>
        {
            var session = ShardSession.Open(_manifest!, _bytes!, RuntimeProfile.Canonical);
            return NewQueue(session);
        });

    private BatchingQueue NewQueue(ShardSession session) =>
        new(session, _options, (size, computeMicroseconds) => metrics.RecordBatch(_modelId, _shard, size, computeMicroseconds / 1000));
}

/// <summary>Shard grain keys: <c>{modelId}/{shard}/{replica}</c>.</summary>
public static class ShardKeys
{
    public static string Format(string modelId, int shard, int replica) =>
        string.Create(CultureInfo.InvariantCulture, $"{modelId}/{shard}/{replica}");

    public static (string ModelId, int Shard, int Replica) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split('/');
        if (parts.Length != 3
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var shard)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var replica))
        {
            throw new ArgumentException($"'{key}' is not a shard key (model/shard/replica)", nameof(key));
        }

        return (parts[0], shard, replica);
    }
}

/// <summary>Whether this silo announces a GPU in its metadata (see <see cref="GpuPreferredPlacementDirector"/>).</summary>
public sealed class LocalSiloGpu(IServiceProvider services, ILocalSiloDetails silo)
{
    private readonly Lazy<bool> _hasGpu = new(() => services.GetService(typeof(Orleans.Runtime.MembershipService.SiloMetadata.ISiloMetadataCache)) is Orleans.Runtime.MembershipService.SiloMetadata.ISiloMetadataCache cache
        && GpuPreferredPlacementDirector.AnnouncesGpu(cache.GetSiloMetadata(silo.SiloAddress).Metadata));

    public bool HasGpu => _hasGpu.Value;
}
