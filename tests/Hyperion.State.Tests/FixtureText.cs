using System.Text;
using Hyperion.Core;

namespace Hyperion.State.Tests;

/// <summary>How the trie fixtures write bytes: "0x…" is hex, anything else is UTF-8 text.</summary>
internal static class FixtureText
{
    public static byte[] Bytes(string text) =>
        text.StartsWith("0x", StringComparison.Ordinal) ? Hex.Decode(text) : Encoding.UTF8.GetBytes(text);
}
