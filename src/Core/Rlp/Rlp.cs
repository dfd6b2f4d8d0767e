namespace Hyperion.Core.Rlp;

/// <summary>One-call helpers over <see cref="RlpWriter"/> and <see cref="RlpReader"/>.</summary>
public static class Rlp
{
    /// <summary>The encoding of the empty string, 0x80 (what RLP writes for zero and for "no address").</summary>
    public const byte EmptyString = 0x80;

    /// <summary>The encoding of the empty list, 0xc0.</summary>
    public const byte EmptyList = 0xc0;

    public static byte[] EncodeBytes(ReadOnlySpan<byte> bytes) => new RlpWriter(bytes.Length + 9).WriteBytes(bytes).ToArray();

    public static byte[] EncodeUInt256(in UInt256 value) => new RlpWriter(40).WriteUInt256(value).ToArray();

    /// <summary>Decodes a single string item that must span the whole input.</summary>
    public static byte[] DecodeBytes(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        var bytes = reader.ReadBytes().ToArray();
        reader.EnsureEnd();
        return bytes;
    }

    /// <summary>Checks that the input is exactly one canonical RLP item, descending into every list.</summary>
    public static void Validate(ReadOnlySpan<byte> encoded)
    {
        var reader = new RlpReader(encoded);
        ValidateItem(ref reader, 0);
        reader.EnsureEnd();
    }

    /// <summary>Nesting deeper than this is refused rather than risking the stack.</summary>
    public const int MaxValidationDepth = 1024;

    private static void ValidateItem(ref RlpReader reader, int depth)
    {
        if (!reader.NextIsList)
        {
            reader.ReadBytes();
            return;
        }

        if (depth >= MaxValidationDepth)
        {
            throw new RlpException($"RLP: lists nested deeper than {MaxValidationDepth} at offset {reader.Offset}.");
        }

        var list = reader.ReadList();
        while (!list.IsEnd)
        {
            ValidateItem(ref list, depth + 1);
        }
    }
}
