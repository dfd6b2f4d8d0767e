using System.Buffers.Binary;
using System.Text;
using Hyperion.Core.Crypto;
using Hyperion.Inference.Tensors;

namespace Hyperion.Inference.Tests;

public sealed class TensorSetTests
{
    [Fact]
    public void The_canonical_encoding_is_sorted_by_name_and_length_prefixed()
    {
        var b = new NamedTensor("b", TensorDataType.Int32, [2L], [1, 0, 0, 0, 2, 0, 0, 0]);
        var a = NamedTensor.FromSingles("a", [1], [1.5f]);
        var set = new TensorSet(b, a);

        var expected = new List<byte>();
        expected.AddRange(U32(2));
        expected.AddRange([.. U32(1), .. Encoding.UTF8.GetBytes("a"), .. U32(1), .. U32(1), .. I64(1), .. U64(4), .. BitConverter.GetBytes(1.5f)]);
        expected.AddRange([.. U32(1), .. Encoding.UTF8.GetBytes("b"), .. U32(6), .. U32(1), .. I64(2), .. U64(8), 1, 0, 0, 0, 2, 0, 0, 0]);

        Assert.Equal(expected, set.ToCanonicalBytes());
        Assert.Equal(Keccak256.Compute([.. expected]), set.Hash);
        Assert.Equal(set.Hash, new TensorSet(a, b).Hash);
        Assert.Equal(new TensorSet(a, b), set);
    }

    [Fact]
    public void Every_part_of_a_tensor_changes_the_hash()
    {
        var reference = new TensorSet(NamedTensor.FromSingles("x", [2], [1f, 2f])).Hash;

        Assert.NotEqual(reference, new TensorSet(NamedTensor.FromSingles("y", [2], [1f, 2f])).Hash);
        Assert.NotEqual(reference, new TensorSet(NamedTensor.FromSingles("x", [1, 2], [1f, 2f])).Hash);
        Assert.NotEqual(reference, new TensorSet(NamedTensor.FromSingles("x", [2], [1f, -2f])).Hash);
        Assert.NotEqual(reference, new TensorSet(new NamedTensor("x", TensorDataType.Int32, [2L], NamedTensor.FromSingles("x", [2], [1f, 2f]).Data.Span)).Hash);
        Assert.NotEqual(
            new TensorSet(NamedTensor.FromSingles("x", [1], [0f])).Hash,
            new TensorSet(NamedTensor.FromSingles("x", [1], [-0f])).Hash);
    }

    [Fact]
    public void Duplicate_names_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new TensorSet(NamedTensor.FromSingles("x", [1], [1f]), NamedTensor.FromSingles("x", [1], [2f])));
    }

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] I64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }
}
