using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hyperion.Core;

/// <summary>A 32-byte hash (Keccak-256 of something, a state root, a transaction hash). A value type, so
/// maps keyed by hashes do not allocate per key.</summary>
public readonly struct Hash256 : IEquatable<Hash256>, IComparable<Hash256>
{
    public const int Length = 32;

    private readonly Bytes32 _bytes;

    public static readonly Hash256 Zero;

    public Hash256(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A hash has 32 bytes, got {bytes.Length}.", nameof(bytes));
        }

        bytes.CopyTo(_bytes);
    }

    [UnscopedRef]
    public ReadOnlySpan<byte> Bytes => _bytes;

    public bool IsZero => this == Zero;

    public byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    public void CopyTo(Span<byte> destination) => ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);

    /// <summary>The hash read as a big-endian 256-bit number (as BLOCKHASH and storage slots use it).</summary>
    public UInt256 ToUInt256() => UInt256.FromBigEndian(_bytes);

    public static Hash256 FromUInt256(in UInt256 value)
    {
        Span<byte> bytes = stackalloc byte[Length];
        value.WriteBigEndian(bytes);
        return new Hash256(bytes);
    }

    public static Hash256 Parse(string hex)
    {
        var bytes = Hex.Decode(hex);
        return bytes.Length == Length
            ? new Hash256(bytes)
            : throw new FormatException($"A hash has 32 bytes (64 hex digits), got {bytes.Length} bytes.");
    }

    public override string ToString() => Hex.Encode(_bytes);

    public bool Equals(Hash256 other) => Words(this).SequenceEqual(Words(other));

    public override bool Equals(object? obj) => obj is Hash256 other && Equals(other);

    // The bytes of a hash are already uniformly distributed: the first eight are a good hash code.
    public override int GetHashCode() => (int)MemoryMarshal.Read<ulong>(_bytes);

    public int CompareTo(Hash256 other) => ((ReadOnlySpan<byte>)_bytes).SequenceCompareTo(other._bytes);

    public static bool operator ==(in Hash256 left, in Hash256 right) => left.Equals(right);

    public static bool operator !=(in Hash256 left, in Hash256 right) => !left.Equals(right);

    public static bool operator <(in Hash256 left, in Hash256 right) => left.CompareTo(right) < 0;

    public static bool operator >(in Hash256 left, in Hash256 right) => left.CompareTo(right) > 0;

    public static bool operator <=(in Hash256 left, in Hash256 right) => left.CompareTo(right) <= 0;

    public static bool operator >=(in Hash256 left, in Hash256 right) => left.CompareTo(right) >= 0;

    private static ReadOnlySpan<ulong> Words(in Hash256 hash) =>
        MemoryMarshal.Cast<byte, ulong>(MemoryMarshal.CreateReadOnlySpan(
            ref Unsafe.AsRef(in hash._bytes[0]), Length));

    [InlineArray(Length)]
    private struct Bytes32
    {
        private byte _element;
    }
}
