using System.Collections.Immutable;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Sharding;
using Hyperion.Inference.Tensors;

namespace Hyperion.Inference.Runtime;

/// <summary>What a pipeline run produced: the outputs, the activations at each cut, and the commitment to all of them.</summary>
public sealed class PipelineResult
{
    internal PipelineResult(TensorSet outputs, ImmutableArray<TensorSet> boundaries, InferenceCommitment commitment, bool isCanonical)
    {
        Outputs = outputs;
        Boundaries = boundaries;
        Commitment = commitment;
        IsCanonical = isCanonical;
    }

    public TensorSet Outputs { get; }

    /// <summary>Entry k: the tensors of cut k, as shard k produced them and shard k+1 received them.</summary>
    public ImmutableArray<TensorSet> Boundaries { get; }

    public InferenceCommitment Commitment { get; }

    /// <summary>Whether every shard ran under the canonical profile, so the commitment may be used for verification.</summary>
    public bool IsCanonical { get; }
}

/// <summary>
/// All of a model's shards in one process, run in sequence: what verification (a canonical re-run) and the tests use.
/// The grid runs the same shards in separate shard grains, passing each cut's tensors along, and gets the same bits.
/// Thread safety is that of <see cref="ShardSession"/>: runs may overlap, disposal comes after the last.
/// </summary>
public sealed class ModelPipeline : IDisposable
{
    private ModelPipeline(ModelManifest manifest, ImmutableArray<ShardSession> shards)
    {
        Manifest = manifest;
        Shards = shards;
    }

    public ModelManifest Manifest { get; }

    public ImmutableArray<ShardSession> Shards { get; }

    public bool IsCanonical => Shards.All(shard => shard.IsCanonical);

    /// <summary>
    /// Checks the manifest and every shard's bytes against it, then opens each shard under <paramref name="profile"/>.
    /// </summary>
    /// <exception cref="ModelIntegrityException">The manifest is inconsistent or some bytes are not the pinned ones.</exception>
    /// <exception cref="CanonicalProfileException">The canonical profile was asked for under another ONNX Runtime version.</exception>
    public static ModelPipeline Open(ModelManifest manifest, IReadOnlyList<ReadOnlyMemory<byte>> shardBytes, RuntimeProfile profile, int cudaDeviceId = 0)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(shardBytes);
        manifest.Validate();
        if (shardBytes.Count != manifest.Shards.Length)
        {
            throw new ModelIntegrityException($"model {manifest.ModelId} has {manifest.Shards.Length} shards, {shardBytes.Count} were given");
        }

        var sessions = ImmutableArray.CreateBuilder<ShardSession>(shardBytes.Count);
        try
        {
            for (var index = 0; index < shardBytes.Count; index++)
            {
                sessions.Add(ShardSession.Open(manifest.Shards[index], shardBytes[index], profile, cudaDeviceId));
            }
        }
        catch
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }

            throw;
        }

        return new ModelPipeline(manifest, sessions.MoveToImmutable());
    }

    public static ModelPipeline Open(PackagedModel model, RuntimeProfile profile, int cudaDeviceId = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Open(model.Manifest, model.ShardBytes, profile, cudaDeviceId);
    }

    /// <summary>Runs <paramref name="inputs"/> through every shard in turn.</summary>
    /// <exception cref="InvalidInferenceInputException">The inputs do not fit the model.</exception>
    public PipelineResult Run(TensorSet inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return RunBatch([inputs])[0];
    }

    /// <summary>Runs several requests, each shard running them as one batch (<see cref="ShardSession.RunBatch"/>).</summary>
    public IReadOnlyList<PipelineResult> RunBatch(IReadOnlyList<TensorSet> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var current = requests;
        var boundaries = requests.Select(_ => ImmutableArray.CreateBuilder<TensorSet>(Shards.Length - 1)).ToArray();
        for (var shard = 0; shard < Shards.Length; shard++)
        {
            current = Shards[shard].RunBatch(current);
            if (shard < Shards.Length - 1)
            {
                for (var request = 0; request < current.Count; request++)
                {
                    boundaries[request].Add(current[request]);
                }
            }
        }

        var isCanonical = IsCanonical;
        var modelId = Manifest.ModelId;
        return [.. current.Select((outputs, request) =>
        {
            var cuts = boundaries[request].MoveToImmutable();
            var commitment = new InferenceCommitment(modelId, requests[request].Hash, [.. cuts.Select(cut => cut.Hash)], outputs.Hash);
            return new PipelineResult(outputs, cuts, commitment, isCanonical);
        })];
    }

    public void Dispose()
    {
        foreach (var shard in Shards)
        {
            shard.Dispose();
        }
    }
}
