using System.Collections.Concurrent;
using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;

namespace Hyperion.Grains.Inference;

/// <summary>
/// Manifests by model id, read once from the registry grains (a registered model never changes: its id is the hash of
/// its shards). Unknown ids are not cached, so a model registered later is found.
/// </summary>
public sealed class ModelManifestCache(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, ModelManifest> _manifests = new(StringComparer.Ordinal);

    /// <summary>The manifest of <paramref name="modelId"/> (normalised id), or null when it is not registered.</summary>
    public async Task<ModelManifest?> GetAsync(string modelId)
    {
        if (_manifests.TryGetValue(modelId, out var manifest))
        {
            return manifest;
        }

        var info = await grains.GetGrain<IModelRegistryGrain>(modelId).GetAsync();
        if (info is null)
        {
            return null;
        }

        manifest = ModelManifest.FromCanonicalJson(info.ManifestJson);
        return _manifests.GetOrAdd(modelId, manifest);
    }
}

/// <summary>
/// Whole models under the canonical profile in this process, for verification: an independent re-run that does not
/// trust the shard grains. Opened once per model from the registry's bytes (which are re-hashed on opening).
/// </summary>
public sealed class CanonicalPipelineCache(IGrainFactory grains) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ModelPipeline>>> _pipelines = new(StringComparer.Ordinal);

    public Task<ModelPipeline> GetAsync(string modelId, ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var lazy = _pipelines.GetOrAdd(modelId, id => new Lazy<Task<ModelPipeline>>(() => OpenAsync(id, manifest)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            _pipelines.TryRemove(new KeyValuePair<string, Lazy<Task<ModelPipeline>>>(modelId, lazy));
        }

        return task;
    }

    public void Dispose()
    {
        foreach (var lazy in _pipelines.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                lazy.Value.Result.Dispose();
            }
        }

        _pipelines.Clear();
    }

    private async Task<ModelPipeline> OpenAsync(string modelId, ModelManifest manifest)
    {
        var registry = grains.GetGrain<IModelRegistryGrain>(modelId);
        var shards = new ReadOnlyMemory<byte>[manifest.Shards.Length];
        for (var index = 0; index < shards.Length; index++)
        {
            shards[index] = await registry.GetShardBytesAsync(index);
        }

        return await Task.Run(() => ModelPipeline.Open(manifest, shards, RuntimeProfile.Canonical));
    }
}
