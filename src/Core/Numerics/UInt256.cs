using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hyperion.Core;

/// <summary>
/// An unsigned 256-bit word with the EVM's wrapping semantics, held as four 64-bit limbs
/// (<see cref="U0"/> least significant). Pass it by <c>in</c> on hot paths; arithmetic, bitwise and
/// signed operations live in the sibling partial files.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly partial struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>
{
    public const int ByteLength = 32;

    public readonly ulong U0;
    public readonly ulong U1;
    public readonly ulong U2;
    public readonly ulong U3;

    public static readonly UInt256 Zero;
    public static readonly UInt256 One = new(1);
    public static readonly UInt256 MaxValue = new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UInt256(ulong u0, ulong u1 = 0, ulong u2 = 0, ulong u3 = 0)
    {
        U0 = u0;
        U1 = u1;
        U2 = u2;
        U3 = u3;
    }

    public bool IsZero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (U0 | U1 | U2 | U3) == 0;
    }

    public bool IsOne => U0 == 1 && (U1 | U2 | U3) == 0;

    /// <summary>True when the value fits in 64 bits.</summary>
    public bool FitsInUInt64 => (U1 | U2 | U3) == 0;

    /// <summary>Reads up to 32 big-endian bytes (shorter input is left-padded with zeros).</summary>
    public static UInt256 FromBigEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ByteLength)
        {
            throw new ArgumentException($"A 256-bit word has at most 32 bytes, got {bytes.Length}.", nameof(bytes));
        }

        if (bytes.Length == ByteLength)
        {
            return new UInt256(
                BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]),
                BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
                BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
                BinaryPrimitives.ReadUInt64BigEndian(bytes));
        }

        Span<byte> padded = stackalloc byte[ByteLength];
        padded.Clear();
        bytes.CopyTo(padded[(ByteLength - bytes.Length)..]);
        return FromBigEndian(padded);
    }

    /// <summary>Writes the word as exactly 32 big-endian bytes.</summary>
    public void WriteBigEndian(Span<byte> destination)
    {
        if (destination.Length < ByteLength)
        {
            throw new ArgumentException("The destination needs 32 bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, U3);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], U2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], U1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], U0);
    }

    public byte[] ToBigEndian()
    {
        var bytes = new byte[ByteLength];
        WriteBigEndian(bytes);
        return bytes;
    }

    /// <summary>The big-endian bytes without leading zeros (empty for zero), as RLP wants them.</summary>
    public byte[] ToBigEndianTrimmed()
    {
        Span<byte> full = stackalloc byte[ByteLength];
        WriteBigEndian(full);
        return full[(ByteLength - ByteCount)..].ToArray();
    }

    /// <summary>The number of significant bytes (0 for zero).</summary>
    public int ByteCount => (BitLength + 7) / 8;

    /// <summary>The number of significant bits (0 for zero).</summary>
    public int BitLength =>
        U3 != 0 ? 256 - BitOperations.LeadingZeroCount(U3)
        : U2 != 0 ? 192 - BitOperations.LeadingZeroCount(U2)
        : U1 != 0 ? 128 - BitOperations.LeadingZeroCount(U1)
        : 64 - BitOperations.LeadingZeroCount(U0);

    public static implicit operator UInt256(ulong value) => new(value);

    public static implicit operator UInt256(uint value) => new(value);

    public static explicit operator UInt256(int value) =>
        value >= 0 ? new UInt256((ulong)value) : throw new OverflowException("A UInt256 cannot be negative.");

    /// <summary>Narrows to 64 bits; throws when the value does not fit.</summary>
    public static explicit operator ulong(in UInt256 value) =>
        value.FitsInUInt64 ? value.U0 : throw new OverflowException("The value does not fit in 64 bits.");

    public static explicit operator UInt256(BigInteger value)
    {
        if (value.Sign < 0 || value.GetByteCount(isUnsigned: true) > ByteLength)
        {
            throw new OverflowException("The value is outside 0 .. 2^256-1.");
        }

        Span<byte> bytes = stackalloc byte[ByteLength];
        bytes.Clear();
        var written = value.GetByteCount(isUnsigned: true);
        value.TryWriteBytes(bytes[(ByteLength - written)..], out _, isUnsigned: true, isBigEndian: true);
        return FromBigEndian(bytes);
    }

    public static implicit operator BigInteger(in UInt256 value)
    {
        Span<byte> bytes = stackalloc byte[ByteLength];
        value.WriteBigEndian(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Parses decimal, or hexadecimal with a <c>0x</c> prefix.</summary>
    public static UInt256 Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not a 256-bit unsigned number (decimal, or hex with 0x).");
    }

    public static bool TryParse(ReadOnlySpan<char> text, out UInt256 value)
    {
        value = Zero;
        if (text.IsEmpty)
        {
            return false;
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            var digits = text[2..];
            if (digits.IsEmpty)
            {
                return false;
            }

            // Leading zeros beyond 64 digits are harmless; anything else that long overflows.
            digits = digits.TrimStart('0');
            if (digits.Length > 64)
            {
                return false;
            }

            Span<byte> bytes = stackalloc byte[ByteLength];
            bytes.Clear();
            for (var i = 0; i < digits.Length; i++)
            {
                var nibble = HexNibble(digits[digits.Length - 1 - i]);
                if (nibble < 0)
                {
                    return false;
                }

                bytes[ByteLength - 1 - (i / 2)] |= (byte)(i % 2 == 0 ? nibble : nibble << 4);
            }

            value = FromBigEndian(bytes);
            return true;
        }

        if (!BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var big)
            || big.GetByteCount(isUnsigned: true) > ByteLength)
        {
            return false;
        }

        value = (UInt256)big;
        return true;
    }

    private static int HexNibble(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Decimal digits.</summary>
    public override string ToString() => FitsInUInt64
        ? U0.ToString(CultureInfo.InvariantCulture)
        : ((BigInteger)this).ToString(CultureInfo.InvariantCulture);

    /// <summary>Minimal <c>0x</c>-prefixed hex, as JSON-RPC quantities are written (<c>0x0</c> for zero).</summary>
    public string ToHexQuantity()
    {
        if (IsZero)
        {
            return "0x0";
        }

        Span<byte> bytes = stackalloc byte[ByteLength];
        WriteBigEndian(bytes);
        var hex = Convert.ToHexStringLower(bytes).TrimStart('0');
        return "0x" + hex;
    }

    public bool Equals(UInt256 other) => U0 == other.U0 && U1 == other.U1 && U2 == other.U2 && U3 == other.U3;

    public override bool Equals(object? obj) => obj is UInt256 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(U0, U1, U2, U3);

    public int CompareTo(UInt256 other) =>
        U3 != other.U3 ? U3.CompareTo(other.U3)
        : U2 != other.U2 ? U2.CompareTo(other.U2)
        : U1 != other.U1 ? U1.CompareTo(other.U1)
        : U0.CompareTo(other.U0);

    public static bool operator ==(in UInt256 left, in UInt256 right) => left.Equals(right);

    public static bool operator !=(in UInt256 left, in UInt256 right) => !left.Equals(right);

    public static bool operator <(in UInt256 left, in UInt256 right) => left.CompareTo(right) < 0;

    public static bool operator >(in UInt256 left, in UInt256 right) => left.CompareTo(right) > 0;

    public static bool operator <=(in UInt256 left, in UInt256 right) => left.CompareTo(right) <= 0;

    public static bool operator >=(in UInt256 left, in UInt256 right) => left.CompareTo(right) >= 0;
}
