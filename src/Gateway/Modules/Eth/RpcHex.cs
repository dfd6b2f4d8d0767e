using System.Buffers;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Hyperion.Core;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// Ethereum's JSON-RPC hex encodings, written straight as UTF-8: quantities (<c>0x</c> and the fewest digits,
/// <c>0x0</c> for zero) and data (<c>0x</c> and two digits a byte). Spans and stack buffers rather than
/// intermediate strings, because balances and hashes are written on every read request.
/// </summary>
internal static class RpcHex
{
    /// <summary>The longest quantity: <c>0x</c> and 64 digits.</summary>
    public const int MaxQuantityLength = 2 + 64;

    // Data longer than this is hex-encoded in a pooled buffer rather than on the stack.
    private const int StackDataLimit = 512;

    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    /// <summary>Writes <paramref name="value"/> as a quantity into <paramref name="destination"/> (at least 18 bytes).</summary>
    public static int FormatQuantity(ulong value, Span<byte> destination)
    {
        destination[0] = (byte)'0';
        destination[1] = (byte)'x';
        if (value == 0)
        {
            destination[2] = (byte)'0';
            return 3;
        }

        var nibbles = (67 - BitOperations.LeadingZeroCount(value)) / 4;
        for (var i = nibbles - 1; i >= 0; i--)
        {
            destination[2 + nibbles - 1 - i] = Digits[(int)((value >> (i * 4)) & 0xf)];
        }

        return 2 + nibbles;
    }

    /// <summary>Writes <paramref name="value"/> as a quantity into <paramref name="destination"/> (at least 66 bytes).</summary>
    public static int FormatQuantity(in UInt256 value, Span<byte> destination)
    {
        if (value.FitsInUInt64)
        {
            return FormatQuantity(value.U0, destination);
        }

        destination[0] = (byte)'0';
        destination[1] = (byte)'x';
        var written = 2;
        var started = false;
        ReadOnlySpan<ulong> limbs = [value.U3, value.U2, value.U1, value.U0];
        foreach (var limb in limbs)
        {
            for (var shift = 60; shift >= 0; shift -= 4)
            {
                var nibble = (int)((limb >> shift) & 0xf);
                if (nibble == 0 && !started)
                {
                    continue;
                }

                started = true;
                destination[written++] = Digits[nibble];
            }
        }

        return written;
    }

    public static string Quantity(ulong value)
    {
        Span<byte> buffer = stackalloc byte[18];
        return Encoding.ASCII.GetString(buffer[..FormatQuantity(value, buffer)]);
    }

    public static string Quantity(in UInt256 value)
    {
        Span<byte> buffer = stackalloc byte[MaxQuantityLength];
        return Encoding.ASCII.GetString(buffer[..FormatQuantity(value, buffer)]);
    }

    /// <summary><c>0x</c> and the bytes in lower-case hex (<c>0x</c> alone when empty).</summary>
    public static string Data(ReadOnlySpan<byte> bytes)
    {
        // Hashes and storage words (the common case) are built in one string; long data goes through Hex.
        if (bytes.Length > StackDataLimit / 4)
        {
            return Hex.Encode(bytes);
        }

        Span<char> chars = stackalloc char[2 + (bytes.Length * 2)];
        chars[0] = '0';
        chars[1] = 'x';
        Convert.TryToHexStringLower(bytes, chars[2..], out _);
        return new string(chars);
    }

    public static void WriteQuantity(this Utf8JsonWriter writer, string name, ulong value)
    {
        Span<byte> buffer = stackalloc byte[18];
        writer.WriteString(name, buffer[..FormatQuantity(value, buffer)]);
    }

    public static void WriteQuantity(this Utf8JsonWriter writer, string name, in UInt256 value)
    {
        Span<byte> buffer = stackalloc byte[MaxQuantityLength];
        writer.WriteString(name, buffer[..FormatQuantity(value, buffer)]);
    }

    public static void WriteQuantityValue(this Utf8JsonWriter writer, in UInt256 value)
    {
        Span<byte> buffer = stackalloc byte[MaxQuantityLength];
        writer.WriteStringValue(buffer[..FormatQuantity(value, buffer)]);
    }

    /// <summary>A quantity, or JSON null when there is none.</summary>
    public static void WriteQuantityOrNull(this Utf8JsonWriter writer, string name, ulong? value)
    {
        if (value is { } present)
        {
            writer.WriteQuantity(name, present);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteData(this Utf8JsonWriter writer, string name, ReadOnlySpan<byte> bytes)
    {
        writer.WritePropertyName(name);
        writer.WriteDataValue(bytes);
    }

    public static void WriteDataValue(this Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
    {
        var length = 2 + (bytes.Length * 2);
        byte[]? rented = null;
        Span<byte> buffer = length <= StackDataLimit ? stackalloc byte[StackDataLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            buffer[0] = (byte)'0';
            buffer[1] = (byte)'x';
            Convert.TryToHexStringLower(bytes, buffer[2..], out _);
            writer.WriteStringValue(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static void WriteAddress(this Utf8JsonWriter writer, string name, in Address address) =>
        writer.WriteData(name, address.Bytes);

    public static void WriteAddressOrNull(this Utf8JsonWriter writer, string name, Address? address)
    {
        if (address is { } present)
        {
            writer.WriteData(name, present.Bytes);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteHash(this Utf8JsonWriter writer, string name, in Hash256 hash) =>
        writer.WriteData(name, hash.Bytes);

    public static void WriteHashOrNull(this Utf8JsonWriter writer, string name, Hash256? hash)
    {
        if (hash is { } present)
        {
            writer.WriteData(name, present.Bytes);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
