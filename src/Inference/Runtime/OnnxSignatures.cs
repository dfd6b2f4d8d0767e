using System.Collections.Immutable;
using Hyperion.Inference.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Hyperion.Inference.Runtime;

/// <summary>Reads tensor signatures from what ONNX Runtime resolved for a graph (its own type and shape inference).</summary>
internal static class OnnxSignatures
{
    public static ImmutableArray<TensorSignature> Inputs(InferenceSession session) =>
        [.. session.InputNames.Select(name => FromMetadata(name, session.InputMetadata[name]))];

    public static ImmutableArray<TensorSignature> Outputs(InferenceSession session) =>
        [.. session.OutputNames.Select(name => FromMetadata(name, session.OutputMetadata[name]))];

    public static TensorSignature FromMetadata(string name, NodeMetadata metadata)
    {
        if (!metadata.IsTensor || metadata.IsString)
        {
            throw new ModelIntegrityException(
                $"'{name}' is a {metadata.OnnxValueType}{(metadata.IsString ? " of strings" : string.Empty)}; only numeric tensors can be model inputs, outputs or cut tensors");
        }

        TensorDataType dataType;
        try
        {
            dataType = TensorDataTypes.FromOrt(metadata.ElementDataType);
        }
        catch (NotSupportedException exception)
        {
            throw new ModelIntegrityException($"'{name}': {exception.Message}", exception);
        }

        var dimensions = metadata.Dimensions;
        var symbols = metadata.SymbolicDimensions;
        return new TensorSignature(
            name,
            dataType,
            [.. dimensions.Select((size, axis) => size >= 0
                ? TensorDimension.Fixed(size)
                : TensorDimension.Free(axis < symbols.Length ? symbols[axis] ?? string.Empty : string.Empty))]);
    }
}
