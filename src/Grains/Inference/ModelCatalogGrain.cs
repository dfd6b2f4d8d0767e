using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Inference;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Sharding;

namespace Hyperion.Grains.Inference;

/// <summary>What the catalog persists: the registered model ids in registration order.</summary>
[GenerateSerializer, Alias("hyperion.inference.ModelCatalogState")]
public sealed class ModelCatalogState
{
    [Id(0)] public List<string> ModelIds { get; set; } = [];
}

/// <summary>
/// Registers models: packages the ONNX bytes (off the grain scheduler: splitting and hashing a large model takes a
/// while), stores the result in the model's registry grain, and remembers the id for listing.
/// </summary>
public sealed class ModelCatalogGrain(
    [PersistentState("catalog", "hyperion")] IPersistentState<ModelCatalogState> state,
    IGrainFactory grains) : Grain, IModelCatalogGrain
{
    public async Task<ModelInfo> RegisterAsync(string name, byte[] onnx, string[] cuts)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(cuts);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new InferenceRequestException("a model needs a name");
        }

        PackagedModel packaged;
        try
        {
            packaged = await Task.Run(() => ModelPackager.Package(name, onnx, CutPoint.AtEach(cuts)));
        }
        catch (Exception exception) when (exception is InferenceException or ArgumentException)
        {
            throw new InferenceRequestException(exception.Message);
        }

        var modelId = ModelIds.Format(packaged.Manifest.ModelId);
        var info = await grains.GetGrain<IModelRegistryGrain>(modelId)
            .StoreAsync(packaged.Manifest.ToCanonicalJson(), [.. packaged.ShardBytes.Select(bytes => bytes.ToArray())]);
        if (!state.State.ModelIds.Contains(modelId))
        {
            state.State.ModelIds.Add(modelId);
            await state.WriteStateAsync();
        }

        return info;
    }

    public Task<string[]> ListAsync() => Task.FromResult(state.State.ModelIds.ToArray());
}
