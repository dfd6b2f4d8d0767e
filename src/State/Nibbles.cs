namespace Hyperion.State;

/// <summary>
/// Keys as nibble paths (one nibble per byte, high nibble first) and the hex-prefix ("compact")
/// encoding of the yellow paper, appendix C, that leaf and extension nodes store their paths in.
/// </summary>
internal static class Nibbles
{
    private const byte OddFlag = 0x1;
    private const byte LeafFlag = 0x2;

    /// <summary>Keys up to this many bytes get their nibble path on the stack.</summary>
    public const int StackKeyLimit = 64;

    public static void FromBytes(ReadOnlySpan<byte> bytes, Span<byte> nibbles)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            nibbles[2 * i] = (byte)(bytes[i] >> 4);
            nibbles[(2 * i) + 1] = (byte)(bytes[i] & 0x0f);
        }
    }

    /// <summary>Packs an even number of nibbles back into bytes.</summary>
    public static byte[] ToBytes(ReadOnlySpan<byte> nibbles)
    {
        var bytes = new byte[nibbles.Length / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((nibbles[2 * i] << 4) | nibbles[(2 * i) + 1]);
        }

        return bytes;
    }

    public static byte[] Concat(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var result = new byte[first.Length + second.Length];
        first.CopyTo(result);
        second.CopyTo(result.AsSpan(first.Length));
        return result;
    }

    public static byte[] Prepend(byte nibble, ReadOnlySpan<byte> rest)
    {
        var result = new byte[rest.Length + 1];
        result[0] = nibble;
        rest.CopyTo(result.AsSpan(1));
        return result;
    }

    public static int CompactLength(int nibbleCount) => (nibbleCount / 2) + 1;

    /// <summary>Writes the hex-prefix encoding: a flag nibble (leaf 2, odd length 1), a zero pad nibble when
    /// the length is even, then the nibbles packed two to a byte.</summary>
    public static void WriteCompact(ReadOnlySpan<byte> nibbles, bool isLeaf, Span<byte> destination)
    {
        var flags = isLeaf ? LeafFlag : (byte)0;
        var odd = nibbles.Length % 2 == 1;
        int next;
        if (odd)
        {
            destination[0] = (byte)(((flags | OddFlag) << 4) | nibbles[0]);
            next = 1;
        }
        else
        {
            destination[0] = (byte)(flags << 4);
            next = 0;
        }

        for (var i = 1; next < nibbles.Length; i++, next += 2)
        {
            destination[i] = (byte)((nibbles[next] << 4) | nibbles[next + 1]);
        }
    }

    /// <summary>The first byte of the hex-prefix encoding, without writing the rest (RLP needs it to know
    /// whether a one-byte string is written bare).</summary>
    public static byte CompactFirstByte(ReadOnlySpan<byte> nibbles, bool isLeaf)
    {
        var flags = isLeaf ? LeafFlag : (byte)0;
        return nibbles.Length % 2 == 1 ? (byte)(((flags | OddFlag) << 4) | nibbles[0]) : (byte)(flags << 4);
    }

    public static byte[] DecodeCompact(ReadOnlySpan<byte> compact, out bool isLeaf)
    {
        if (compact.IsEmpty)
        {
            throw new InvalidTrieNodeException("Trie node: an empty hex-prefix path (it needs at least the flag byte).");
        }

        var flags = compact[0] >> 4;
        if (flags > (LeafFlag | OddFlag))
        {
            throw new InvalidTrieNodeException($"Trie node: hex-prefix flag nibble {flags} is not 0 to 3.");
        }

        isLeaf = (flags & LeafFlag) != 0;
        var odd = (flags & OddFlag) != 0;
        if (!odd && (compact[0] & 0x0f) != 0)
        {
            throw new InvalidTrieNodeException("Trie node: an even-length hex-prefix path with a non-zero pad nibble.");
        }

        var nibbles = new byte[((compact.Length - 1) * 2) + (odd ? 1 : 0)];
        var at = 0;
        if (odd)
        {
            nibbles[at++] = (byte)(compact[0] & 0x0f);
        }

        FromBytes(compact[1..], nibbles.AsSpan(at));
        return nibbles;
    }
}
