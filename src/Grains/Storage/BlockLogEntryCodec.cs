using System.Buffers.Binary;
using Hyperion.Core;

namespace Hyperion.Grains.Storage;

/// <summary>
/// The byte form of a <see cref="BlockLogEntry"/> where a store keeps it as one value (an Azure blob), and of a
/// list of transaction hashes (kept beside the block so that a read returns exactly what was appended).
/// Little-endian, with a leading version byte so the layout can change without breaking old logs.
/// </summary>
internal static class BlockLogEntryCodec
{
    private const byte Version = 1;

    public static byte[] Encode(BlockLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var length = 1 + 8 + Hash256.Length + Hash256.Length
            + 4 + (entry.TransactionHashes.Count * Hash256.Length)
            + 4 + entry.Block.Length
            + 4 + entry.StateChanges.Length;
        var bytes = new byte[length];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteUInt64LittleEndian(span[1..], entry.Number);
        var offset = 9;
        entry.Hash.CopyTo(span[offset..]);
        offset += Hash256.Length;
        entry.ParentHash.CopyTo(span[offset..]);
        offset += Hash256.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[offset..], entry.TransactionHashes.Count);
        offset += 4;
        foreach (var hash in entry.TransactionHashes)
        {
            hash.CopyTo(span[offset..]);
            offset += Hash256.Length;
        }

        offset = WriteBytes(span, offset, entry.Block);
        WriteBytes(span, offset, entry.StateChanges);
        return bytes;
    }

    public static BlockLogEntry Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 9 || bytes[0] != Version)
        {
            throw new InvalidDataException($"Unknown block log entry format (version byte {(bytes.Length > 0 ? bytes[0] : -1)}).");
        }

        var number = BinaryPrimitives.ReadUInt64LittleEndian(bytes[1..]);
        var offset = 9;
        var hash = new Hash256(bytes.Slice(offset, Hash256.Length));
        offset += Hash256.Length;
        var parentHash = new Hash256(bytes.Slice(offset, Hash256.Length));
        offset += Hash256.Length;
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes[offset..]);
        offset += 4;
        var transactionHashes = DecodeHashes(bytes.Slice(offset, count * Hash256.Length));
        offset += count * Hash256.Length;
        var block = ReadBytes(bytes, ref offset);
        var stateChanges = ReadBytes(bytes, ref offset);
        if (offset != bytes.Length)
        {
            throw new InvalidDataException($"Block log entry {number} has {bytes.Length - offset} trailing bytes.");
        }

        return new BlockLogEntry(number, hash, parentHash, block, stateChanges, transactionHashes);
    }

    public static byte[] EncodeHashes(IReadOnlyList<Hash256> hashes)
    {
        var bytes = new byte[hashes.Count * Hash256.Length];
        for (var index = 0; index < hashes.Count; index++)
        {
            hashes[index].CopyTo(bytes.AsSpan(index * Hash256.Length));
        }

        return bytes;
    }

    public static Hash256[] DecodeHashes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % Hash256.Length != 0)
        {
            throw new InvalidDataException($"A list of hashes cannot be {bytes.Length} bytes long.");
        }

        var hashes = new Hash256[bytes.Length / Hash256.Length];
        for (var index = 0; index < hashes.Length; index++)
        {
            hashes[index] = new Hash256(bytes.Slice(index * Hash256.Length, Hash256.Length));
        }

        return hashes;
    }

    private static int WriteBytes(Span<byte> destination, int offset, byte[] value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination[offset..], value.Length);
        value.CopyTo(destination[(offset + 4)..]);
        return offset + 4 + value.Length;
    }

    private static byte[] ReadBytes(ReadOnlySpan<byte> source, ref int offset)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(source[offset..]);
        var value = source.Slice(offset + 4, length).ToArray();
        offset += 4 + length;
        return value;
    }
}
