using System.Runtime.InteropServices;

namespace Hyperion.Grains.Abstractions.Inference;

/// <summary>
/// A tensor on the wire between grains: its name, ONNX element type by canonical name ("float32", "int64", ...),
/// dimensions, and its elements as little-endian bytes in row-major order.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperion.inference.TensorPayload")]
public sealed record TensorPayload(
    [property: Id(0)] string Name,
    [property: Id(1)] string DataType,
    [property: Id(2)] long[] Dimensions,
    [property: Id(3)] byte[] Data)
{
    /// <summary>The elements as numbers, for JSON (exact for float32, and for integers up to 2^53).</summary>
    /// <exception cref="InferenceRequestException">The element type has no number form here.</exception>
    public double[] ToNumbers()
    {
        var data = Data.AsSpan();
        return DataType switch
        {
            "float32" => [.. MemoryMarshal.Cast<byte, float>(data).ToArray().Select(value => (double)value)],
            "float64" => MemoryMarshal.Cast<byte, double>(data).ToArray(),
            "int32" => [.. MemoryMarshal.Cast<byte, int>(data).ToArray().Select(value => (double)value)],
            "int64" => [.. MemoryMarshal.Cast<byte, long>(data).ToArray().Select(value => (double)value)],
            _ => throw new InferenceRequestException($"tensor '{Name}' has element type {DataType}, which has no number form here"),
        };
    }
}

/// <summary>
/// A tensor as JSON-RPC carries it: dimensions and the element values as numbers. The grid converts the values to the
/// model's element type (exact for float32, and for integers up to 2^53).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperion.inference.NumericTensor")]
public sealed record NumericTensor(
    [property: Id(0)] string Name,
    [property: Id(1)] long[] Dimensions,
    [property: Id(2)] double[] Values);
