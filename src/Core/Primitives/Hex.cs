namespace Hyperion.Core;

/// <summary>Hex text as Ethereum writes it: <c>0x</c>-prefixed, lower case.</summary>
public static class Hex
{
    public static string Encode(ReadOnlySpan<byte> bytes, bool withPrefix = true) =>
        withPrefix ? "0x" + Convert.ToHexStringLower(bytes) : Convert.ToHexStringLower(bytes);

    /// <summary>Decodes hex with or without <c>0x</c>; an odd number of digits or a non-hex digit is an error.</summary>
    public static byte[] Decode(ReadOnlySpan<char> text)
    {
        if (!TryDecode(text, out var bytes))
        {
            throw new FormatException("Expected hex bytes: an even number of hex digits, optionally after 0x.");
        }

        return bytes;
    }

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        bytes = [];
        if (text.Length % 2 != 0)
        {
            return false;
        }

        var result = new byte[text.Length / 2];
        if (Convert.FromHexString(text, result, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != result.Length)
        {
            return false;
        }

        bytes = result;
        return true;
    }
}
