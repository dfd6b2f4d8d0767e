using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Hyperion.Gateway.Tests.Eth;

/// <summary>Helpers that turn writer callbacks into text and compare JSON by content and field order.</summary>
internal static class EthJson
{
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The same JSON without insignificant white space, so expectations can be laid out readably.</summary>
    public static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Write(writer => document.WriteTo(writer));
    }

    /// <summary>Asserts equal JSON text, field order included (geth's order is part of what is checked).</summary>
    public static void Equal(string expected, string actual) => Assert.Equal(Compact(expected), Compact(actual));
}
