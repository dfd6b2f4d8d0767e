using Hyperion.Core;
using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Inference;
using Hyperion.Inference.Manifests;

namespace Hyperion.Grains.Inference;

/// <summary>What a registry grain persists: the canonical manifest and every shard's bytes.</summary>
[GenerateSerializer, Alias("hyperion.inference.ModelRegistryState")]
public sealed class ModelRegistryState
{
    [Id(0)] public byte[]? ManifestJson { get; set; }

    [Id(1)] public byte[][] ShardBytes { get; set; } = [];
}

/// <summary>
/// One registered model, keyed by its model id. It accepts only a manifest whose model id is its key and shard bytes
/// that hash to the manifest's content hashes, and it re-checks them whenever it loads them from storage.
/// </summary>
public sealed class ModelRegistryGrain(
    [PersistentState("model", "hyperion")] IPersistentState<ModelRegistryState> state) : Grain, IModelRegistryGrain
{
    private ModelInfo? _info;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.ManifestJson is { } json)
        {
            // Hashing a large model takes a while: off the grain scheduler.
            var key = this.GetPrimaryKeyString();
            var shards = state.State.ShardBytes;
            var manifest = await Task.Run(() => Check(key, json, shards), cancellationToken);
            _info = Describe(manifest, json);
        }
    }

    public async Task<ModelInfo> StoreAsync(byte[] manifestJson, byte[][] shardBytes)
    {
        ArgumentNullException.ThrowIfNull(manifestJson);
        ArgumentNullException.ThrowIfNull(shardBytes);
        if (_info is not null)
        {
            if (!_info.ManifestJson.AsSpan().SequenceEqual(manifestJson))
            {
                throw new InferenceRequestException($"model {_info.ModelId} is already registered with another manifest (name, profile or gas)");
            }

            return _info;
        }

        ModelManifest manifest;
        try
        {
            var key = this.GetPrimaryKeyString();
            manifest = await Task.Run(() => Check(key, manifestJson, shardBytes));
        }
        catch (ModelIntegrityException exception)
        {
            throw new InferenceRequestException(exception.Message);
        }

        state.State.ManifestJson = manifestJson;
        state.State.ShardBytes = shardBytes;
        await state.WriteStateAsync();
        _info = Describe(manifest, manifestJson);
        return _info;
    }

    public Task<ModelInfo?> GetAsync() => Task.FromResult(_info);

    public Task<byte[]> GetShardBytesAsync(int shard)
    {
        if (_info is null)
        {
            throw new InferenceRequestException($"no model {this.GetPrimaryKeyString()} is registered");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(shard);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(shard, state.State.ShardBytes.Length);
        return Task.FromResult(state.State.ShardBytes[shard]);
    }

    internal static ModelInfo Describe(ModelManifest manifest, byte[] json) =>
        new(
            ModelIds.Format(manifest.ModelId),
            manifest.Name,
            manifest.Shards.Length,
            json,
            Keccak256Hex(json),
            manifest.ParameterCount,
            [.. manifest.Cuts.Select(cut => cut.TensorNames.ToArray())]);

    private static string Keccak256Hex(byte[] bytes) => Hyperion.Core.Crypto.Keccak256.Compute(bytes).ToString();

    /// <summary>Reads the manifest and checks that it is this entry's model and that every shard's bytes are the pinned ones.</summary>
    private static ModelManifest Check(string key, byte[] manifestJson, byte[][] shardBytes)
    {
        var manifest = ModelManifest.FromCanonicalJson(manifestJson);
        if (!string.Equals(ModelIds.Format(manifest.ModelId), key, StringComparison.Ordinal))
        {
            throw new ModelIntegrityException($"the manifest is for model {manifest.ModelId}, this registry entry is {key}");
        }

        if (shardBytes.Length != manifest.Shards.Length)
        {
            throw new ModelIntegrityException($"model {key} has {manifest.Shards.Length} shards, {shardBytes.Length} were given");
        }

        for (var index = 0; index < shardBytes.Length; index++)
        {
            manifest.Shards[index].VerifyContent(shardBytes[index]);
        }

        return manifest;
    }
}

/// <summary>Model ids as grain keys and JSON strings: 0x-prefixed lowercase hex of the 32 bytes.</summary>
public static class ModelIds
{
    public static string Format(Hash256 modelId) => modelId.ToString();

    /// <summary>Parses and normalises a model id (any hex case, 0x prefix required).</summary>
    public static bool TryParse(string? text, out Hash256 modelId)
    {
        modelId = default;
        if (text is null || text.Length != 66 || !text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            || !Hex.TryDecode(text, out var bytes) || bytes.Length != Hash256.Length)
        {
            return false;
        }

        modelId = new Hash256(bytes);
        return true;
    }

    /// <exception cref="InferenceRequestException">Not a model id.</exception>
    public static string Normalize(string? text) =>
        TryParse(text, out var id) ? Format(id) : throw new InferenceRequestException($"'{text}' is not a model id (0x and 64 hex digits)");
}
