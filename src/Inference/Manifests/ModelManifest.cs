using System.Collections.Immutable;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Tensors;

namespace Hyperion.Inference.Manifests;

/// <summary>
/// Everything needed to run, charge for and verify a registered model: its shards and their content hashes, the
/// model's inputs and outputs, the cuts between shards, the runtime profile results are pinned under, and gas.
/// </summary>
/// <remarks>
/// The manifest's stored and hashed form is <see cref="ToCanonicalJson"/>; <see cref="FromCanonicalJson"/> accepts
/// only that exact form, so its bytes and <see cref="ComputeManifestHash"/> never disagree. Equality is equality of
/// that form.
/// </remarks>
/// <param name="Name">A human-readable name; part of the manifest hash, not of the model id.</param>
/// <param name="Shards">The shards in pipeline order.</param>
/// <param name="Inputs">The model's inputs (shard 0's inputs).</param>
/// <param name="Outputs">The model's outputs (the last shard's outputs).</param>
/// <param name="Cuts">Cut k lies between shard k and shard k+1: one fewer than shards.</param>
/// <param name="Profile">The runtime profile pins are computed under: <see cref="RuntimeProfile.Canonical"/> for registered models.</param>
/// <param name="Gas">The gas schedule, derived from the model (see <see cref="GasSchedule"/>).</param>
public sealed record ModelManifest(
    string Name,
    ImmutableArray<ShardManifest> Shards,
    ImmutableArray<TensorSignature> Inputs,
    ImmutableArray<TensorSignature> Outputs,
    ImmutableArray<CutPoint> Cuts,
    RuntimeProfile Profile,
    GasSchedule Gas)
{
    /// <summary>The manifest format this library writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>
    /// The model id: <c>keccak256(contentHash₀ ‖ contentHash₁ ‖ … ‖ contentHashₙ₋₁)</c>, the 32-byte Keccak-256 of
    /// each shard's .onnx bytes concatenated in pipeline order with nothing between them. Shard bytes name their
    /// input and output tensors, so the id pins the cuts too; the name, profile and gas are not part of it.
    /// </summary>
    public Hash256 ModelId => ComputeModelId(Shards.Select(shard => shard.ContentHash));

    /// <summary>Parameters summed over shards (an initializer copied into two shards counts in both: both read it).</summary>
    public long ParameterCount => Shards.Sum(shard => shard.ParameterCount);

    /// <summary>Input bytes of one entry along the free (batch) dimension, summed over the model's inputs (at least 1).</summary>
    public long InputBytesPerEntry => Math.Max(1, Inputs.Sum(input => input.BytesPerFreeElement));

    /// <summary>See <see cref="ModelId"/>.</summary>
    public static Hash256 ComputeModelId(IEnumerable<Hash256> shardContentHashes)
    {
        ArgumentNullException.ThrowIfNull(shardContentHashes);
        var hasher = new Keccak256();
        foreach (var hash in shardContentHashes)
        {
            hasher.Update(hash.Bytes);
        }

        return hasher.Finish();
    }

    /// <summary>The gas a call with <paramref name="inputByteCount"/> bytes of input costs, to be charged before it runs.</summary>
    public ulong GasFor(long inputByteCount) => Gas.Charge(inputByteCount);

    /// <summary>
    /// The inputs of a model with a single input from its bare element bytes (little-endian, row-major), the free
    /// dimension taken from the length: what the precompile receives.
    /// </summary>
    /// <exception cref="InvalidInferenceInputException">The model has several inputs, or the length does not fit.</exception>
    public TensorSet SingleInputFromBytes(ReadOnlySpan<byte> elementBytes)
    {
        if (Inputs.Length != 1)
        {
            throw new InvalidInferenceInputException($"model {ModelId} has {Inputs.Length} inputs; bare bytes can feed only a model with one");
        }

        var input = Inputs[0];
        return new TensorSet(new NamedTensor(input.Name, input.DataType, input.DimensionsForByteLength(elementBytes.Length), elementBytes));
    }

    /// <summary>The canonical serialisation: UTF-8 JSON, fixed property order, no whitespace (see <see cref="ModelManifestJson"/>).</summary>
    public byte[] ToCanonicalJson() => ModelManifestJson.Write(this);

    /// <summary>Keccak-256 of <see cref="ToCanonicalJson"/>.</summary>
    public Hash256 ComputeManifestHash() => Keccak256.Compute(ToCanonicalJson());

    /// <summary>Reads a manifest in its canonical form, and checks it (<see cref="Validate"/>).</summary>
    /// <exception cref="ModelIntegrityException">The bytes are not a canonical, consistent manifest.</exception>
    public static ModelManifest FromCanonicalJson(ReadOnlySpan<byte> json) => ModelManifestJson.Read(json);

    /// <summary>
    /// Checks that the parts agree: shards numbered in order, one cut between each pair, each shard's outputs being
    /// exactly the next shard's inputs and the cut's tensors, the model's inputs and outputs being the first and last
    /// shard's, and the gas schedule being the one derived from the model.
    /// </summary>
    /// <exception cref="ModelIntegrityException">They do not.</exception>
    public void Validate()
    {
        Require(!string.IsNullOrEmpty(Name), "the model has no name");
        Require(!Shards.IsDefaultOrEmpty, "the model has no shards");
        Require(!Inputs.IsDefaultOrEmpty && !Outputs.IsDefault && !Cuts.IsDefault, "inputs, outputs and cuts must be present");
        Require(Profile is not null && Gas is not null, "profile and gas must be present");
        Require(Cuts.Length == Shards.Length - 1, $"{Shards.Length} shards need {Shards.Length - 1} cuts, the manifest has {Cuts.Length}");
        for (var index = 0; index < Shards.Length; index++)
        {
            var shard = Shards[index];
            Require(shard.Index == index, $"shard at position {index} says it is shard {shard.Index}");
            Require(shard.ByteLength > 0 && shard.ParameterCount >= 0, $"shard {index} has a negative or zero size");
            if (index + 1 < Shards.Length)
            {
                var next = Shards[index + 1];
                Require(
                    SameSignatures(shard.Outputs, next.Inputs),
                    $"shard {index}'s outputs [{string.Join(", ", shard.Outputs)}] are not shard {index + 1}'s inputs [{string.Join(", ", next.Inputs)}]");
                Require(
                    shard.Outputs.Select(output => output.Name).Order(StringComparer.Ordinal)
                        .SequenceEqual(Cuts[index].TensorNames.Order(StringComparer.Ordinal), StringComparer.Ordinal),
                    $"shard {index}'s outputs are not the tensors of cut {index} {Cuts[index]}");
            }
        }

        Require(Shards[0].Inputs.SequenceEqual(Inputs), "the model's inputs are not shard 0's inputs");
        Require(Shards[^1].Outputs.SequenceEqual(Outputs), "the model's outputs are not the last shard's outputs");
        var derivedGas = GasSchedule.Derive(ParameterCount, InputBytesPerEntry);
        Require(Gas == derivedGas, $"the gas schedule {Gas} is not the one derived from the model, {derivedGas}");
    }

    public bool Equals(ModelManifest? other) =>
        other is not null && ToCanonicalJson().AsSpan().SequenceEqual(other.ToCanonicalJson());

    public override int GetHashCode() => ModelId.GetHashCode();

    private static bool SameSignatures(ImmutableArray<TensorSignature> left, ImmutableArray<TensorSignature> right) =>
        left.Length == right.Length && left.All(signature => right.Contains(signature));

    private static void Require(bool condition, string problem)
    {
        if (!condition)
        {
            throw new ModelIntegrityException($"inconsistent model manifest: {problem}");
        }
    }
}
