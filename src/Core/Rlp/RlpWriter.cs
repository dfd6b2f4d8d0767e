using System.Buffers.Binary;

namespace Hyperion.Core.Rlp;

/// <summary>
/// Builds an RLP encoding in a growing buffer. Lists are opened with <see cref="StartList"/> and closed
/// with <see cref="EndList"/>; the header is written in front of the payload when the list closes, so
/// callers need not compute lengths up front. Integers are written without leading zeros.
/// </summary>
public sealed class RlpWriter
{
    private byte[] _buffer;
    private int _length;
    private readonly Stack<int> _openLists = new();

    public RlpWriter(int initialCapacity = 256)
    {
        _buffer = new byte[Math.Max(16, initialCapacity)];
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray()
    {
        if (_openLists.Count != 0)
        {
            throw new InvalidOperationException($"{_openLists.Count} RLP list(s) are still open.");
        }

        return WrittenSpan.ToArray();
    }

    public void Clear()
    {
        _length = 0;
        _openLists.Clear();
    }

    public RlpWriter WriteBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 1 && bytes[0] < 0x80)
        {
            Append(bytes);
            return this;
        }

        WriteHeader(0x80, bytes.Length);
        Append(bytes);
        return this;
    }

    public RlpWriter WriteUInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        var skip = value == 0 ? 8 : System.Numerics.BitOperations.LeadingZeroCount(value) / 8;
        return WriteBytes(bytes[skip..]);
    }

    public RlpWriter WriteUInt256(in UInt256 value)
    {
        Span<byte> bytes = stackalloc byte[UInt256.ByteLength];
        value.WriteBigEndian(bytes);
        return WriteBytes(bytes[(UInt256.ByteLength - value.ByteCount)..]);
    }

    public RlpWriter WriteBool(bool value) => WriteUInt64(value ? 1UL : 0UL);

    public RlpWriter WriteHash(in Hash256 hash) => WriteBytes(hash.Bytes);

    public RlpWriter WriteAddress(in Address address) => WriteBytes(address.Bytes);

    /// <summary>An address, or the empty string for none (a contract creation's "to").</summary>
    public RlpWriter WriteOptionalAddress(Address? address) =>
        address is { } a ? WriteAddress(a) : WriteBytes([]);

    /// <summary>Appends an item that is already RLP-encoded.</summary>
    public RlpWriter WriteEncoded(ReadOnlySpan<byte> encodedItem)
    {
        Append(encodedItem);
        return this;
    }

    public RlpWriter StartList()
    {
        _openLists.Push(_length);
        return this;
    }

    public RlpWriter EndList()
    {
        if (!_openLists.TryPop(out var start))
        {
            throw new InvalidOperationException("EndList without a matching StartList.");
        }

        var payloadLength = _length - start;
        var headerLength = HeaderLength(payloadLength);
        EnsureCapacity(headerLength);
        _buffer.AsSpan(start, payloadLength).CopyTo(_buffer.AsSpan(start + headerLength));
        WriteHeaderAt(start, 0xc0, payloadLength);
        _length += headerLength;
        return this;
    }

    /// <summary>The length of an RLP header for a payload of the given length.</summary>
    public static int HeaderLength(int payloadLength) =>
        payloadLength < 56 ? 1 : 1 + LengthOfLength(payloadLength);

    /// <summary>The encoded length of a string item with this payload.</summary>
    public static int LengthOfBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 1 && bytes[0] < 0x80 ? 1 : HeaderLength(bytes.Length) + bytes.Length;

    private static int LengthOfLength(int length) => 4 - (System.Numerics.BitOperations.LeadingZeroCount((uint)length) / 8);

    private void WriteHeader(byte shortBase, int payloadLength)
    {
        var headerLength = HeaderLength(payloadLength);
        EnsureCapacity(headerLength);
        WriteHeaderAt(_length, shortBase, payloadLength);
        _length += headerLength;
    }

    private void WriteHeaderAt(int at, byte shortBase, int payloadLength)
    {
        if (payloadLength < 56)
        {
            _buffer[at] = (byte)(shortBase + payloadLength);
            return;
        }

        var lengthOfLength = LengthOfLength(payloadLength);
        _buffer[at] = (byte)(shortBase + 55 + lengthOfLength);
        for (var i = 0; i < lengthOfLength; i++)
        {
            _buffer[at + lengthOfLength - i] = (byte)(payloadLength >> (8 * i));
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        EnsureCapacity(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void EnsureCapacity(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
    }
}
