using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// A result already written as JSON. Blocks, transactions and receipts are written field by field in geth's shape
/// (hex strings, nulls that must stay, fields that must be left out), which a serialized record could not express;
/// the dispatcher copies these bytes into the response as they are.
/// </summary>
[JsonConverter(typeof(RpcJsonConverter))]
internal sealed class RpcJson
{
    private RpcJson(byte[] utf8) => Utf8 = utf8;

    public byte[] Utf8 { get; }

    /// <summary>Runs <paramref name="write"/> against a fresh writer and keeps what it wrote.</summary>
    public static RpcJson Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, state);
        }

        return new RpcJson(buffer.WrittenSpan.ToArray());
    }

    public override string ToString() => System.Text.Encoding.UTF8.GetString(Utf8);

    private sealed class RpcJsonConverter : JsonConverter<RpcJson>
    {
        public override RpcJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("RPC results are only written.");

        public override void Write(Utf8JsonWriter writer, RpcJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Utf8, skipInputValidation: true);
    }
}
