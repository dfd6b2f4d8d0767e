using Hyperion.Core;
using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Tensors;

namespace Hyperion.Grains.Inference;

/// <summary>
/// What the inference precompile needs from the grid, as blocking calls: the precompile runs on Block-STM's own worker
/// threads, which may wait, and never on a grain scheduler thread.
/// </summary>
public interface IInferenceBackend
{
    /// <summary>The manifest of a registered model, or null.</summary>
    ModelManifest? FindModel(Hash256 modelId);

    /// <summary>Runs the model under the canonical profile and returns its outputs and pins.</summary>
    /// <exception cref="InferenceUnavailableException">The grid could not run it (not the request's fault).</exception>
    (TensorSet Outputs, InferenceCommitment Commitment) Run(ModelManifest manifest, TensorSet inputs);
}

/// <summary>The grid as an <see cref="IInferenceBackend"/>: manifests from the registry, runs through the router grain.</summary>
public sealed class GrainInferenceBackend(IGrainFactory grains, ModelManifestCache manifests) : IInferenceBackend
{
    public ModelManifest? FindModel(Hash256 modelId)
    {
        EnsureNotOnGrainThread();
        return manifests.GetAsync(ModelIds.Format(modelId)).GetAwaiter().GetResult();
    }

    public (TensorSet Outputs, InferenceCommitment Commitment) Run(ModelManifest manifest, TensorSet inputs)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(inputs);
        EnsureNotOnGrainThread();
        var result = grains.GetGrain<IInferenceRouterGrain>(0)
            .InferAsync(ModelIds.Format(manifest.ModelId), inputs.ToPayloads(), canonical: true)
            .GetAwaiter().GetResult();
        if (!result.IsCanonical)
        {
            throw new InferenceUnavailableException($"model {manifest.ModelId} did not run under the canonical profile here, so its result cannot be pinned");
        }

        var outputs = result.Outputs.ToTensorSet();
        var commitment = new InferenceCommitment(manifest.ModelId, inputs.Hash, [.. result.BoundaryHashes.Select(Hash256.Parse)], outputs.Hash);
        return (outputs, commitment);
    }

    private static void EnsureNotOnGrainThread()
    {
        // Grain turns run on Orleans' activation task scheduler; Block-STM's worker threads on the default one.
        if (TaskScheduler.Current.GetType().FullName?.StartsWith("Orleans.", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException(
                "the inference precompile waits for grain calls, so it must run on the block executor's own threads, never on a grain scheduler thread");
        }
    }
}
