using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Hyperion.Inference.Tensors;

/// <summary>
/// A dense tensor with its graph name: element type, dimensions and the elements as little-endian bytes in
/// row-major order. Raw bytes rather than typed arrays, because bytes are what gets hashed, pinned and sent
/// between shard grains, and because equality must be bitwise (NaN payloads and -0.0 included).
/// </summary>
public sealed class NamedTensor : IEquatable<NamedTensor>
{
    private readonly byte[] _data;

    /// <param name="name">The graph tensor name (an input, output or cut tensor).</param>
    /// <param name="dataType">The element type.</param>
    /// <param name="dimensions">The dimensions; every one at least 0.</param>
    /// <param name="data">The elements, little-endian, row-major; copied, so the caller may reuse its buffer.</param>
    public NamedTensor(string name, TensorDataType dataType, ReadOnlySpan<long> dimensions, ReadOnlySpan<byte> data)
        : this(name, dataType, dimensions.ToImmutableArray(), data.ToArray())
    {
    }

    /// <summary>Takes ownership of <paramref name="data"/> without copying it.</summary>
    internal NamedTensor(string name, TensorDataType dataType, ImmutableArray<long> dimensions, byte[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _ = dataType.SizeInBytes(); // rejects unsupported types early
        var elementCount = 1L;
        foreach (var dimension in dimensions)
        {
            if (dimension < 0)
            {
                throw new ArgumentException($"tensor '{name}' has a negative dimension {dimension}", nameof(dimensions));
            }

            elementCount = checked(elementCount * dimension);
        }

        var expectedBytes = checked(elementCount * dataType.SizeInBytes());
        if (data.LongLength != expectedBytes)
        {
            throw new ArgumentException(
                $"tensor '{name}' of {dataType.CanonicalName()}[{string.Join(',', dimensions)}] needs {expectedBytes} bytes, got {data.LongLength}",
                nameof(data));
        }

        Name = name;
        DataType = dataType;
        Dimensions = dimensions;
        ElementCount = elementCount;
        _data = data;
    }

    public string Name { get; }

    public TensorDataType DataType { get; }

    public ImmutableArray<long> Dimensions { get; }

    public long ElementCount { get; }

    /// <summary>The elements as little-endian bytes, row-major.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    public static NamedTensor FromSingles(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<float> values)
    {
        ThrowIfBigEndian();
        return new NamedTensor(name, TensorDataType.Float32, dimensions, MemoryMarshal.AsBytes(values));
    }

    /// <summary>The elements of a float32 tensor.</summary>
    public float[] ToSingles()
    {
        if (DataType != TensorDataType.Float32)
        {
            throw new InvalidOperationException($"tensor '{Name}' holds {DataType.CanonicalName()}, not float32");
        }

        ThrowIfBigEndian();
        return MemoryMarshal.Cast<byte, float>(_data).ToArray();
    }

    /// <summary>The same tensor under another graph name (shard outputs become the next shard's inputs by name).</summary>
    public NamedTensor WithName(string name) =>
        string.Equals(name, Name, StringComparison.Ordinal) ? this : new NamedTensor(name, DataType, Dimensions, _data);

    /// <summary>Bitwise equality: same name, type, dimensions and bytes.</summary>
    public bool Equals(NamedTensor? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && DataType == other.DataType
        && Dimensions.AsSpan().SequenceEqual(other.Dimensions.AsSpan())
        && _data.AsSpan().SequenceEqual(other._data);

    public override bool Equals(object? obj) => Equals(obj as NamedTensor);

    public override int GetHashCode() => HashCode.Combine(Name, DataType, ElementCount);

    public override string ToString() => $"{Name}: {DataType.CanonicalName()}[{string.Join(',', Dimensions)}]";

    /// <summary>The canonical form is little-endian; reinterpreting memory is only that on a little-endian host.</summary>
    internal static void ThrowIfBigEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Hyperion tensors are little-endian; this host is big-endian");
        }
    }
}
