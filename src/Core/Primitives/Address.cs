using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperion.Core.Crypto;

namespace Hyperion.Core;

/// <summary>A 20-byte account address. Printed with the EIP-55 mixed-case checksum; parsed from hex in
/// any case, and when the input is mixed case, the checksum must match.</summary>
public readonly struct Address : IEquatable<Address>, IComparable<Address>
{
    public const int Length = 20;

    private readonly Bytes20 _bytes;

    public static readonly Address Zero;

    public Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"An address has 20 bytes, got {bytes.Length}.", nameof(bytes));
        }

        bytes.CopyTo(_bytes);
    }

    [UnscopedRef]
    public ReadOnlySpan<byte> Bytes => _bytes;

    public bool IsZero => this == Zero;

    public byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    public void CopyTo(Span<byte> destination) => ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);

    /// <summary>The address of a public key: the last 20 bytes of keccak(x ‖ y).</summary>
    public static Address FromPublicKey(ReadOnlySpan<byte> uncompressedXY)
    {
        if (uncompressedXY.Length == 65 && uncompressedXY[0] == 0x04)
        {
            uncompressedXY = uncompressedXY[1..];
        }

        if (uncompressedXY.Length != 64)
        {
            throw new ArgumentException("Expected a 64-byte public key (x ‖ y) or 65 bytes with the 0x04 prefix.", nameof(uncompressedXY));
        }

        Span<byte> hash = stackalloc byte[Keccak256.HashLength];
        Keccak256.Compute(uncompressedXY, hash);
        return new Address(hash[12..]);
    }

    /// <summary>The low 20 bytes of a 256-bit word, as the EVM turns stack words into addresses.</summary>
    public static Address FromUInt256(in UInt256 word)
    {
        Span<byte> bytes = stackalloc byte[UInt256.ByteLength];
        word.WriteBigEndian(bytes);
        return new Address(bytes[12..]);
    }

    public UInt256 ToUInt256() => UInt256.FromBigEndian(_bytes);

    public static Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var address, out var error) ? address : throw new FormatException(error);
    }

    public static bool TryParse(string text, out Address address) => TryParse(text, out address, out _);

    private static bool TryParse(string text, out Address address, out string error)
    {
        address = Zero;
        if (!Hex.TryDecode(text, out var bytes) || bytes.Length != Length)
        {
            error = $"'{text}' is not an address: expected 20 bytes as 40 hex digits after 0x.";
            return false;
        }

        address = new Address(bytes);
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        var mixedCase = digits.Any(char.IsUpper) && digits.Any(char.IsLower);
        if (mixedCase && !string.Equals(address.ToString()[2..], digits, StringComparison.Ordinal))
        {
            error = $"'{text}' has a wrong EIP-55 checksum.";
            return false;
        }

        error = string.Empty;
        return true;
    }

    /// <summary>EIP-55 checksummed hex.</summary>
    public override string ToString()
    {
        Span<char> lower = stackalloc char[Length * 2];
        Convert.TryToHexStringLower(_bytes, lower, out _);
        Span<byte> ascii = stackalloc byte[Length * 2];
        for (var i = 0; i < ascii.Length; i++)
        {
            ascii[i] = (byte)lower[i];
        }

        Span<byte> hash = stackalloc byte[Keccak256.HashLength];
        Keccak256.Compute(ascii, hash);
        Span<char> result = stackalloc char[2 + (Length * 2)];
        result[0] = '0';
        result[1] = 'x';
        for (var i = 0; i < lower.Length; i++)
        {
            var nibble = (i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2]) & 0x0f;
            result[2 + i] = nibble >= 8 ? char.ToUpperInvariant(lower[i]) : lower[i];
        }

        return new string(result);
    }

    public string ToLowerHex() => Hex.Encode(_bytes);

    public bool Equals(Address other) => ((ReadOnlySpan<byte>)_bytes).SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => obj is Address other && Equals(other);

    public override int GetHashCode() =>
        HashCode.Combine(MemoryMarshal.Read<ulong>(_bytes), MemoryMarshal.Read<ulong>(((ReadOnlySpan<byte>)_bytes)[8..]), MemoryMarshal.Read<uint>(((ReadOnlySpan<byte>)_bytes)[16..]));

    public int CompareTo(Address other) => ((ReadOnlySpan<byte>)_bytes).SequenceCompareTo(other._bytes);

    public static bool operator ==(in Address left, in Address right) => left.Equals(right);

    public static bool operator !=(in Address left, in Address right) => !left.Equals(right);

    public static bool operator <(in Address left, in Address right) => left.CompareTo(right) < 0;

    public static bool operator >(in Address left, in Address right) => left.CompareTo(right) > 0;

    public static bool operator <=(in Address left, in Address right) => left.CompareTo(right) <= 0;

    public static bool operator >=(in Address left, in Address right) => left.CompareTo(right) >= 0;

    [InlineArray(Length)]
    private struct Bytes20
    {
        private byte _element;
    }
}
