using System.Collections.Immutable;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Inference.Tensors;

namespace Hyperion.Inference.Manifests;

/// <summary>One shard of a model: its position in the pipeline, the hash of its .onnx bytes, and what flows in and out.</summary>
/// <param name="Index">The position in the pipeline, from 0.</param>
/// <param name="ContentHash">Keccak-256 of the shard's .onnx bytes, exactly as stored and loaded.</param>
/// <param name="ByteLength">The length of those bytes, so storage can refuse a truncated blob before hashing it.</param>
/// <param name="Inputs">The model's inputs for shard 0, otherwise the tensors of the cut before it.</param>
/// <param name="Outputs">The tensors of the cut after it, or the model's outputs for the last shard.</param>
/// <param name="ParameterCount">Elements of the initializers and Constant tensors in this shard's graph (gas is derived from it).</param>
public sealed record ShardManifest(
    int Index,
    Hash256 ContentHash,
    long ByteLength,
    ImmutableArray<TensorSignature> Inputs,
    ImmutableArray<TensorSignature> Outputs,
    long ParameterCount)
{
    /// <summary>Throws <see cref="ModelIntegrityException"/> unless <paramref name="onnxBytes"/> are this shard's bytes.</summary>
    public void VerifyContent(ReadOnlySpan<byte> onnxBytes)
    {
        if (onnxBytes.Length != ByteLength)
        {
            throw new ModelIntegrityException(
                $"shard {Index}: expected {ByteLength} bytes of ONNX model, got {onnxBytes.Length}; refusing to load it");
        }

        var actual = Keccak256.Compute(onnxBytes);
        if (actual != ContentHash)
        {
            throw new ModelIntegrityException(
                $"shard {Index}: the ONNX bytes hash to {actual}, but the manifest pins {ContentHash}; refusing to load them");
        }
    }

    public bool Equals(ShardManifest? other) =>
        other is not null
        && Index == other.Index
        && ContentHash == other.ContentHash
        && ByteLength == other.ByteLength
        && Inputs.SequenceEqual(other.Inputs)
        && Outputs.SequenceEqual(other.Outputs)
        && ParameterCount == other.ParameterCount;

    public override int GetHashCode() => HashCode.Combine(Index, ContentHash);
}
