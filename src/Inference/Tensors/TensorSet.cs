using System.Buffers.Binary;
using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.Inference.Tensors;

/// <summary>
/// The named tensors that go into or come out of a model or shard, with a canonical encoding and hash.
/// </summary>
/// <remarks>
/// The canonical encoding (all integers little-endian) is
/// <code>
/// set    = count:u32 ‖ tensor*                       tensors ordered by the UTF-8 bytes of their names
/// tensor = nameLength:u32 ‖ name:UTF-8
///          ‖ elementType:u32                          ONNX TensorProto.DataType code
///          ‖ rank:u32 ‖ dimension:i64 × rank
///          ‖ dataLength:u64 ‖ data                    elements, little-endian, row-major
/// </code>
/// and the hash is Keccak-256 of it. Sorting by name makes the hash independent of the order ONNX Runtime or a
/// caller lists the tensors in; the lengths make the encoding unambiguous without any framing format.
/// </remarks>
public sealed class TensorSet : IReadOnlyList<NamedTensor>, IEquatable<TensorSet>
{
    private readonly NamedTensor[] _tensors;
    private readonly Dictionary<string, NamedTensor> _byName;
    // A box rather than a Hash256? field: publishing a reference is atomic, so threads sharing a set never read a torn hash.
    private StrongBox<Hash256>? _hash;

    public TensorSet(IEnumerable<NamedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = [.. tensors];
        _byName = new Dictionary<string, NamedTensor>(_tensors.Length, StringComparer.Ordinal);
        foreach (var tensor in _tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (!_byName.TryAdd(tensor.Name, tensor))
            {
                throw new ArgumentException($"tensor name '{tensor.Name}' appears twice", nameof(tensors));
            }
        }
    }

    public TensorSet(params NamedTensor[] tensors)
        : this((IEnumerable<NamedTensor>)tensors)
    {
    }

    public static TensorSet Empty { get; } = new();

    public int Count => _tensors.Length;

    public NamedTensor this[int index] => _tensors[index];

    public NamedTensor this[string name] =>
        _byName.TryGetValue(name, out var tensor) ? tensor : throw new KeyNotFoundException($"no tensor named '{name}'");

    public IEnumerable<string> Names => _tensors.Select(tensor => tensor.Name);

    /// <summary>Keccak-256 of the canonical encoding (see the type's remarks); computed once.</summary>
    public Hash256 Hash => (_hash ??= new StrongBox<Hash256>(ComputeHash())).Value;

    public bool TryGetValue(string name, out NamedTensor tensor) => _byName.TryGetValue(name, out tensor!);

    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The canonical encoding as one buffer (the hash streams it instead).</summary>
    public byte[] ToCanonicalBytes()
    {
        using var stream = new MemoryStream();
        WriteCanonical(bytes => stream.Write(bytes));
        return stream.ToArray();
    }

    public IEnumerator<NamedTensor> GetEnumerator() => ((IEnumerable<NamedTensor>)_tensors).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Bitwise equality of the same names, in any order.</summary>
    public bool Equals(TensorSet? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        foreach (var tensor in _tensors)
        {
            if (!other._byName.TryGetValue(tensor.Name, out var theirs) || !tensor.Equals(theirs))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as TensorSet);

    public override int GetHashCode() => Hash.GetHashCode();

    public override string ToString() => $"{{{string.Join("; ", _tensors.Select(tensor => tensor.ToString()))}}}";

    /// <summary>The tensors in canonical order: by the UTF-8 bytes of their names.</summary>
    internal IEnumerable<(byte[] Utf8Name, NamedTensor Tensor)> InCanonicalOrder() =>
        _tensors
            .Select(tensor => (Utf8Name: Encoding.UTF8.GetBytes(tensor.Name), Tensor: tensor))
            .Order(Utf8NameComparer.Instance);

    private Hash256 ComputeHash()
    {
        var hasher = new Keccak256();
        WriteCanonical(bytes => hasher.Update(bytes));
        return hasher.Finish();
    }

    private void WriteCanonical(SpanSink sink)
    {
        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)_tensors.Length);
        sink(word[..4]);
        foreach (var (utf8Name, tensor) in InCanonicalOrder())
        {
            BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)utf8Name.Length);
            sink(word[..4]);
            sink(utf8Name);
            BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)tensor.DataType);
            sink(word[..4]);
            BinaryPrimitives.WriteUInt32LittleEndian(word, (uint)tensor.Dimensions.Length);
            sink(word[..4]);
            foreach (var dimension in tensor.Dimensions)
            {
                BinaryPrimitives.WriteInt64LittleEndian(word, dimension);
                sink(word);
            }

            BinaryPrimitives.WriteUInt64LittleEndian(word, (ulong)tensor.Data.Length);
            sink(word);
            sink(tensor.Data.Span);
        }
    }

    private delegate void SpanSink(ReadOnlySpan<byte> bytes);

    private sealed class Utf8NameComparer : IComparer<(byte[] Utf8Name, NamedTensor Tensor)>
    {
        public static readonly Utf8NameComparer Instance = new();

        public int Compare((byte[] Utf8Name, NamedTensor Tensor) x, (byte[] Utf8Name, NamedTensor Tensor) y) =>
            x.Utf8Name.AsSpan().SequenceCompareTo(y.Utf8Name);
    }
}
