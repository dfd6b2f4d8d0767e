using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Hyperion.Core;
using Hyperion.Gateway.JsonRpc;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// Reads Ethereum JSON-RPC arguments as strictly as geth does: hex needs <c>0x</c>, quantities have no leading
/// zeros, addresses and hashes have exactly their length. Anything else is a -32602 error that names the argument
/// (and the field of an object), so a caller can see what to fix. Reads the request's UTF-8 in place, without
/// making strings, because addresses arrive on every balance and nonce read.
/// </summary>
internal static class RpcArgs
{
    /// <summary>A 20-byte address; any letter case (geth does not check EIP-55 checksums on input).</summary>
    public static Address ReadAddress(JsonElement element, int index, string? field = null)
    {
        Span<byte> bytes = stackalloc byte[Address.Length];
        ReadFixed(element, bytes, "an address", index, field);
        return new Address(bytes);
    }

    /// <summary>A 32-byte hash.</summary>
    public static Hash256 ReadHash(JsonElement element, int index, string? field = null)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Length];
        ReadFixed(element, bytes, "a hash", index, field);
        return new Hash256(bytes);
    }

    /// <summary>Hex bytes of any length (<c>0x</c> is empty).</summary>
    public static byte[] ReadData(JsonElement element, int index, string? field = null)
    {
        var digits = HexDigits(element, index, field);
        if (digits.Length % 2 != 0)
        {
            throw Invalid(index, field, "hex string of odd length");
        }

        var bytes = new byte[digits.Length / 2];
        if (!TryDecodeHex(digits, bytes))
        {
            throw Invalid(index, field, "invalid hex string");
        }

        return bytes;
    }

    /// <summary>A hex quantity that fits in 64 bits.</summary>
    public static ulong ReadUInt64(JsonElement element, int index, string? field = null)
    {
        var digits = QuantityDigits(element, index, field);
        if (digits.Length > 16)
        {
            throw Invalid(index, field, "hex number > 64 bits");
        }

        ulong value = 0;
        foreach (var digit in digits)
        {
            var nibble = Nibble(digit);
            if (nibble < 0)
            {
                throw Invalid(index, field, "invalid hex string");
            }

            value = (value << 4) | (uint)nibble;
        }

        return value;
    }

    /// <summary>A hex quantity that fits in 256 bits.</summary>
    public static UInt256 ReadUInt256(JsonElement element, int index, string? field = null)
    {
        var digits = QuantityDigits(element, index, field);
        if (digits.Length > 64)
        {
            throw Invalid(index, field, "hex number > 256 bits");
        }

        Span<byte> bytes = stackalloc byte[UInt256.ByteLength];
        bytes.Clear();
        for (var i = 0; i < digits.Length; i++)
        {
            var nibble = Nibble(digits[digits.Length - 1 - i]);
            if (nibble < 0)
            {
                throw Invalid(index, field, "invalid hex string");
            }

            bytes[UInt256.ByteLength - 1 - (i / 2)] |= (byte)(i % 2 == 0 ? nibble : nibble << 4);
        }

        return UInt256.FromBigEndian(bytes);
    }

    /// <summary>
    /// A storage slot as <c>eth_getStorageAt</c> takes it: hex of up to 32 bytes, leading zeros and an odd number
    /// of digits allowed (geth accepts <c>0x0</c> as well as the full 64 digits).
    /// </summary>
    public static UInt256 ReadStorageSlot(JsonElement element, int index)
    {
        var digits = HexDigits(element, index, null);
        var significant = digits.TrimStart((byte)'0');
        if (significant.Length > 64)
        {
            throw Invalid(index, null, "hex string too long, want at most 32 bytes");
        }

        Span<byte> bytes = stackalloc byte[UInt256.ByteLength];
        bytes.Clear();
        for (var i = 0; i < significant.Length; i++)
        {
            var nibble = Nibble(significant[significant.Length - 1 - i]);
            if (nibble < 0)
            {
                throw Invalid(index, null, "invalid hex string");
            }

            bytes[UInt256.ByteLength - 1 - (i / 2)] |= (byte)(i % 2 == 0 ? nibble : nibble << 4);
        }

        return UInt256.FromBigEndian(bytes);
    }

    /// <summary>A JSON boolean; absent or null gives <paramref name="absent"/>.</summary>
    public static bool ReadBool(JsonElement element, int index, bool absent)
    {
        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Undefined or JsonValueKind.Null => absent,
            _ => throw Invalid(index, null, "expected true or false"),
        };
    }

    /// <summary>True when the argument was left out or sent as null.</summary>
    public static bool IsAbsent(JsonElement element) => element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    /// <summary>The -32602 error for argument <paramref name="index"/>, in geth's words: "invalid argument 0: …".</summary>
    public static RpcException Invalid(int index, string? field, string problem) =>
        RpcException.InvalidParams(field is null
            ? $"invalid argument {index}: {problem}"
            : $"invalid argument {index}: {field}: {problem}");

    /// <summary>The characters of a JSON string as UTF-8, without copying unless it holds escapes.</summary>
    public static ReadOnlySpan<byte> Utf8String(JsonElement element, int index, string? field)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw Invalid(index, field, element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
                ? "missing value"
                : "expected a hex string");
        }

        var raw = JsonMarshal.GetRawUtf8Value(element);
        var inner = raw[1..^1];

        // Hex never needs escapes; a client that escapes anyway still gets the same meaning.
        return inner.IndexOf((byte)'\\') < 0 ? inner : Encoding.UTF8.GetBytes(element.GetString()!);
    }

    private static void ReadFixed(JsonElement element, Span<byte> destination, string what, int index, string? field)
    {
        var digits = HexDigits(element, index, field);
        if (digits.Length != destination.Length * 2)
        {
            throw Invalid(index, field, $"hex string has length {digits.Length}, want {destination.Length * 2} for {what}");
        }

        if (!TryDecodeHex(digits, destination))
        {
            throw Invalid(index, field, "invalid hex string");
        }
    }

    private static ReadOnlySpan<byte> HexDigits(JsonElement element, int index, string? field)
    {
        var text = Utf8String(element, index, field);
        if (text.Length < 2 || text[0] != '0' || (text[1] | 0x20) != 'x')
        {
            throw Invalid(index, field, "hex string without 0x prefix");
        }

        return text[2..];
    }

    private static ReadOnlySpan<byte> QuantityDigits(JsonElement element, int index, string? field)
    {
        var digits = HexDigits(element, index, field);
        if (digits.IsEmpty)
        {
            throw Invalid(index, field, "hex string \"0x\" holds no number");
        }

        if (digits.Length > 1 && digits[0] == '0')
        {
            throw Invalid(index, field, "hex number with leading zero digits");
        }

        return digits;
    }

    private static bool TryDecodeHex(ReadOnlySpan<byte> digits, Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            var high = Nibble(digits[2 * i]);
            var low = Nibble(digits[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    private static int Nibble(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => -1,
    };
}
