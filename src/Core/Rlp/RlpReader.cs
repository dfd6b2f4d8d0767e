using System.Buffers.Binary;

namespace Hyperion.Core.Rlp;

/// <summary>
/// A strict RLP decoder over a span. It rejects everything that is not the one canonical encoding:
/// a single byte below 0x80 wrapped in a string header, long-form lengths below 56, lengths with
/// leading zeros, items that run past their list or the input, and (through <see cref="EnsureEnd"/>)
/// trailing bytes. Integers must have no leading zero bytes.
/// </summary>
public ref struct RlpReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private int _position;

    public RlpReader(ReadOnlySpan<byte> data)
        : this(data, 0)
    {
    }

    private RlpReader(ReadOnlySpan<byte> data, int baseOffset)
    {
        _data = data;
        _baseOffset = baseOffset;
        _position = 0;
    }

    /// <summary>Offset of the next item from the start of the outermost input (for error messages).</summary>
    public readonly int Offset => _baseOffset + _position;

    public readonly bool IsEnd => _position >= _data.Length;

    public readonly int Remaining => _data.Length - _position;

    /// <summary>True when the next item is a list.</summary>
    public readonly bool NextIsList => !IsEnd && _data[_position] >= 0xc0;

    /// <summary>Fails when bytes are left after the last item read.</summary>
    public readonly void EnsureEnd()
    {
        if (!IsEnd)
        {
            throw new RlpException($"RLP: {Remaining} trailing byte(s) at offset {Offset}.");
        }
    }

    /// <summary>Reads a string item and returns its payload.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var (isList, payloadOffset, payloadLength) = ReadHeader();
        if (isList)
        {
            throw new RlpException($"RLP: expected a string at offset {Offset - (payloadOffset - _position)}, found a list.");
        }

        return Take(payloadOffset, payloadLength);
    }

    /// <summary>Reads a list item and returns a reader over its payload.</summary>
    public RlpReader ReadList()
    {
        var start = _position;
        var (isList, payloadOffset, payloadLength) = ReadHeader();
        if (!isList)
        {
            throw new RlpException($"RLP: expected a list at offset {_baseOffset + start}, found a string.");
        }

        var payload = Take(payloadOffset, payloadLength);
        return new RlpReader(payload, _baseOffset + payloadOffset);
    }

    /// <summary>Returns the whole encoding (header and payload) of the next item and skips it.</summary>
    public ReadOnlySpan<byte> ReadEncodedItem()
    {
        var start = _position;
        var (_, payloadOffset, payloadLength) = ReadHeader();
        Take(payloadOffset, payloadLength);
        return _data[start.._position];
    }

    public void Skip() => ReadEncodedItem();

    public ulong ReadUInt64()
    {
        var bytes = ReadIntegerBytes(8, "a 64-bit integer");
        ulong value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    public UInt256 ReadUInt256() => UInt256.FromBigEndian(ReadIntegerBytes(32, "a 256-bit integer"));

    public bool ReadBool()
    {
        var value = ReadUInt64();
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw new RlpException($"RLP: expected a boolean (0 or 1) before offset {Offset}, got {value}."),
        };
    }

    public Hash256 ReadHash()
    {
        var bytes = ReadBytes();
        return bytes.Length == Hash256.Length
            ? new Hash256(bytes)
            : throw new RlpException($"RLP: expected a 32-byte hash before offset {Offset}, got {bytes.Length} bytes.");
    }

    public Address ReadAddress()
    {
        var bytes = ReadBytes();
        return bytes.Length == Address.Length
            ? new Address(bytes)
            : throw new RlpException($"RLP: expected a 20-byte address before offset {Offset}, got {bytes.Length} bytes.");
    }

    /// <summary>An address, or null for the empty string (a contract creation's "to").</summary>
    public Address? ReadOptionalAddress()
    {
        var bytes = ReadBytes();
        return bytes.Length switch
        {
            0 => null,
            Address.Length => new Address(bytes),
            _ => throw new RlpException($"RLP: expected a 20-byte address or empty before offset {Offset}, got {bytes.Length} bytes."),
        };
    }

    private ReadOnlySpan<byte> ReadIntegerBytes(int maxLength, string what)
    {
        var start = Offset;
        var bytes = ReadBytes();
        if (bytes.Length > maxLength)
        {
            throw new RlpException($"RLP: {what} at offset {start} has {bytes.Length} bytes, more than {maxLength}.");
        }

        if (bytes.Length > 0 && bytes[0] == 0)
        {
            throw new RlpException($"RLP: {what} at offset {start} has a leading zero byte.");
        }

        return bytes;
    }

    private ReadOnlySpan<byte> Take(int payloadOffset, int payloadLength)
    {
        var payload = _data.Slice(payloadOffset, payloadLength);
        _position = payloadOffset + payloadLength;
        return payload;
    }

    /// <summary>Decodes the header at the current position; returns the payload's place within this reader's span.</summary>
    private readonly (bool IsList, int PayloadOffset, int PayloadLength) ReadHeader()
    {
        if (IsEnd)
        {
            throw new RlpException($"RLP: unexpected end of input at offset {Offset}.");
        }

        var prefix = _data[_position];
        var at = _position + 1;
        switch (prefix)
        {
            case < 0x80:
                return (false, _position, 1);
            case <= 0xb7:
                {
                    var length = prefix - 0x80;
                    CheckFits(at, length);
                    if (length == 1 && _data[at] < 0x80)
                    {
                        throw new RlpException($"RLP: non-canonical single byte 0x{_data[at]:x2} at offset {Offset}: it must encode as itself.");
                    }

                    return (false, at, length);
                }

            case <= 0xbf:
                {
                    var length = ReadLongLength(at, prefix - 0xb7);
                    at += prefix - 0xb7;
                    CheckFits(at, length);
                    return (false, at, length);
                }

            case <= 0xf7:
                {
                    var length = prefix - 0xc0;
                    CheckFits(at, length);
                    return (true, at, length);
                }

            default:
                {
                    var length = ReadLongLength(at, prefix - 0xf7);
                    at += prefix - 0xf7;
                    CheckFits(at, length);
                    return (true, at, length);
                }
        }
    }

    private readonly int ReadLongLength(int at, int lengthOfLength)
    {
        if (at + lengthOfLength > _data.Length)
        {
            throw new RlpException($"RLP: the length at offset {Offset} runs past the end of the input.");
        }

        var bytes = _data.Slice(at, lengthOfLength);
        if (bytes[0] == 0)
        {
            throw new RlpException($"RLP: the length at offset {Offset} has a leading zero byte.");
        }

        if (lengthOfLength > 4)
        {
            throw new RlpException($"RLP: the item at offset {Offset} declares a length of {lengthOfLength} bytes, too large.");
        }

        Span<byte> padded = stackalloc byte[4];
        padded.Clear();
        bytes.CopyTo(padded[(4 - lengthOfLength)..]);
        var length = BinaryPrimitives.ReadUInt32BigEndian(padded);
        if (length < 56)
        {
            throw new RlpException($"RLP: long-form length {length} at offset {Offset} should have used the short form.");
        }

        if (length > int.MaxValue)
        {
            throw new RlpException($"RLP: the item at offset {Offset} declares {length} bytes, too large.");
        }

        return (int)length;
    }

    private readonly void CheckFits(int payloadOffset, int length)
    {
        if ((long)payloadOffset + length > _data.Length)
        {
            throw new RlpException(
                $"RLP: the item at offset {Offset} declares {length} payload bytes but only {_data.Length - payloadOffset} remain.");
        }
    }
}
