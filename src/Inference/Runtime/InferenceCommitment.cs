using System.Collections.Immutable;
using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.Inference.Runtime;

/// <summary>
/// The hashes an inference call is pinned to: the model, the inputs, the activations at each cut, and the outputs
/// (each a <see cref="Tensors.TensorSet.Hash"/>). Comparing a claimed commitment with a canonical re-run names the
/// first shard that computed something else, which is where a challenge starts.
/// </summary>
/// <param name="ModelId">The model id (<see cref="Manifests.ModelManifest.ModelId"/>).</param>
/// <param name="InputHash">The hash of the model's inputs.</param>
/// <param name="BoundaryHashes">Entry k: the hash of cut k's activations, which shard k produced; one fewer than shards.</param>
/// <param name="OutputHash">The hash of the model's outputs, which the last shard produced.</param>
public sealed record InferenceCommitment(Hash256 ModelId, Hash256 InputHash, ImmutableArray<Hash256> BoundaryHashes, Hash256 OutputHash)
{
    public int ShardCount => BoundaryHashes.Length + 1;

    /// <summary>The hash of what shard <paramref name="shard"/> produced.</summary>
    public Hash256 ShardOutputHash(int shard) =>
        shard == BoundaryHashes.Length ? OutputHash : BoundaryHashes[shard];

    /// <summary>
    /// The first shard whose output hash differs between this commitment and <paramref name="other"/>, or null when
    /// they agree throughout. Shards before it agree, so its inputs are settled and it alone needs re-running.
    /// </summary>
    /// <exception cref="ArgumentException">The commitments are for different models or inputs, so shards cannot be compared.</exception>
    public int? FirstDivergentShard(InferenceCommitment other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.ModelId != ModelId || other.InputHash != InputHash || other.ShardCount != ShardCount)
        {
            throw new ArgumentException("the commitments are for different models, inputs or shard counts; only their model id and input hash can be compared", nameof(other));
        }

        for (var shard = 0; shard < ShardCount; shard++)
        {
            if (ShardOutputHash(shard) != other.ShardOutputHash(shard))
            {
                return shard;
            }
        }

        return null;
    }

    /// <summary>Keccak-256 of <c>modelId ‖ inputHash ‖ boundaryHash₀ ‖ … ‖ outputHash</c>, 32 bytes each: one hash for the whole call.</summary>
    public Hash256 ComputeHash()
    {
        var hasher = new Keccak256();
        hasher.Update(ModelId.Bytes);
        hasher.Update(InputHash.Bytes);
        foreach (var boundary in BoundaryHashes)
        {
            hasher.Update(boundary.Bytes);
        }

        hasher.Update(OutputHash.Bytes);
        return hasher.Finish();
    }

    public bool Equals(InferenceCommitment? other) =>
        other is not null && ModelId == other.ModelId && InputHash == other.InputHash
        && BoundaryHashes.SequenceEqual(other.BoundaryHashes) && OutputHash == other.OutputHash;

    public override int GetHashCode() => HashCode.Combine(ModelId, InputHash, OutputHash);
}
