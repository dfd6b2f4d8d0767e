using System.Collections.Immutable;

namespace Hyperion.Inference.Tensors;

/// <summary>The declared name, element type and shape of a model or shard input or output.</summary>
public sealed record TensorSignature(string Name, TensorDataType DataType, ImmutableArray<TensorDimension> Shape)
{
    /// <summary>Bytes per entry of the free dimensions: the product of the fixed sizes times the element size.</summary>
    public long BytesPerFreeElement
    {
        get
        {
            long bytes = DataType.SizeInBytes();
            foreach (var dimension in Shape)
            {
                bytes = checked(bytes * (dimension.Size ?? 1));
            }

            return bytes;
        }
    }

    /// <summary>Throws <see cref="InvalidInferenceInputException"/> unless <paramref name="tensor"/> fits this signature.</summary>
    public void Validate(NamedTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!string.Equals(tensor.Name, Name, StringComparison.Ordinal))
        {
            throw new InvalidInferenceInputException($"expected tensor '{Name}', got '{tensor.Name}'");
        }

        if (tensor.DataType != DataType)
        {
            throw new InvalidInferenceInputException(
                $"tensor '{Name}' must hold {DataType.CanonicalName()}, got {tensor.DataType.CanonicalName()}");
        }

        if (tensor.Dimensions.Length != Shape.Length || !Shape.Zip(tensor.Dimensions).All(pair => pair.First.Accepts(pair.Second)))
        {
            throw new InvalidInferenceInputException(
                $"tensor '{Name}' must have shape [{string.Join(',', Shape)}], got [{string.Join(',', tensor.Dimensions)}]");
        }
    }

    /// <summary>
    /// The dimensions of a tensor of this signature that is <paramref name="byteLength"/> bytes long, for callers
    /// that send bare element bytes (the precompile): the one free dimension is taken from the length.
    /// </summary>
    /// <exception cref="InvalidInferenceInputException">
    /// The signature has no free dimension or more than one, or the length is not a whole number of entries.
    /// </exception>
    public long[] DimensionsForByteLength(long byteLength)
    {
        var freeCount = Shape.Count(dimension => dimension.IsFree);
        if (freeCount != 1)
        {
            throw new InvalidInferenceInputException(
                $"tensor '{Name}' has {freeCount} free dimensions; its shape can be taken from a byte length only with exactly one");
        }

        var entryBytes = BytesPerFreeElement;
        if (byteLength < 0 || byteLength % entryBytes != 0)
        {
            throw new InvalidInferenceInputException(
                $"tensor '{Name}' takes a multiple of {entryBytes} bytes, got {byteLength}");
        }

        return [.. Shape.Select(dimension => dimension.Size ?? byteLength / entryBytes)];
    }

    public bool Equals(TensorSignature? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && DataType == other.DataType
        && Shape.AsSpan().SequenceEqual(other.Shape.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Name, DataType, Shape.Length);

    public override string ToString() => $"{Name}: {DataType.CanonicalName()}[{string.Join(',', Shape)}]";
}
