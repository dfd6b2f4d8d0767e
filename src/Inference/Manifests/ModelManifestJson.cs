using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;
using Hyperion.Core;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Tensors;

namespace Hyperion.Inference.Manifests;

/// <summary>
/// The canonical JSON form of a <see cref="ModelManifest"/>: UTF-8, no whitespace, properties in this fixed order,
/// hashes as 0x-prefixed lower-case hex, integers as JSON numbers, a fixed dimension as a number, a named free
/// dimension as its name and an unnamed one as null:
/// <code>
/// {"format":1,"name":…,"modelId":"0x…",
///  "inputs":[{"name":…,"type":"float32","shape":["N",16]}],"outputs":[…],
///  "cuts":[["h1"],["h2","skip"]],
///  "shards":[{"index":0,"contentHash":"0x…","byteLength":…,"parameterCount":…,"inputs":[…],"outputs":[…]}],
///  "profile":{"onnxRuntime":"1.31.1","provider":"cpu","intraOpThreads":1,"interOpThreads":1,
///             "executionMode":"sequential","graphOptimization":"disabled","deterministicCompute":true,
///             "denormalsAsZero":false},
///  "gas":{"base":3000,"perInputByte":17,"model":4}}
/// </code>
/// Reading re-writes what it read and insists on the same bytes, so any other spelling (spaces, order, extra
/// properties, a stale modelId) is refused rather than silently given a different hash.
/// </summary>
internal static class ModelManifestJson
{
    public static byte[] Write(ModelManifest manifest)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("format", ModelManifest.FormatVersion);
            writer.WriteString("name", manifest.Name);
            writer.WriteString("modelId", manifest.ModelId.ToString());
            WriteSignatures(writer, "inputs", manifest.Inputs);
            WriteSignatures(writer, "outputs", manifest.Outputs);
            writer.WriteStartArray("cuts");
            foreach (var cut in manifest.Cuts)
            {
                writer.WriteStartArray();
                foreach (var name in cut.TensorNames)
                {
                    writer.WriteStringValue(name);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("shards");
            foreach (var shard in manifest.Shards)
            {
                writer.WriteStartObject();
                writer.WriteNumber("index", shard.Index);
                writer.WriteString("contentHash", shard.ContentHash.ToString());
                writer.WriteNumber("byteLength", shard.ByteLength);
                writer.WriteNumber("parameterCount", shard.ParameterCount);
                WriteSignatures(writer, "inputs", shard.Inputs);
                WriteSignatures(writer, "outputs", shard.Outputs);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            var profile = manifest.Profile;
            writer.WriteStartObject("profile");
            writer.WriteString("onnxRuntime", profile.OnnxRuntimeVersion);
            writer.WriteString("provider", ProviderName(profile.Provider));
            writer.WriteNumber("intraOpThreads", profile.IntraOpThreads);
            writer.WriteNumber("interOpThreads", profile.InterOpThreads);
            writer.WriteString("executionMode", ExecutionModeName(profile.ExecutionMode));
            writer.WriteString("graphOptimization", OptimizationName(profile.GraphOptimization));
            writer.WriteBoolean("deterministicCompute", profile.DeterministicCompute);
            writer.WriteBoolean("denormalsAsZero", profile.DenormalsAsZero);
            writer.WriteEndObject();
            writer.WriteStartObject("gas");
            writer.WriteNumber("base", manifest.Gas.BaseGas);
            writer.WriteNumber("perInputByte", manifest.Gas.GasPerInputByte);
            writer.WriteNumber("model", manifest.Gas.ModelGas);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static ModelManifest Read(ReadOnlySpan<byte> json)
    {
        ModelManifest manifest;
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            var format = root.GetProperty("format").GetInt32();
            if (format != ModelManifest.FormatVersion)
            {
                throw new ModelIntegrityException($"manifest format {format} is not supported (this node reads format {ModelManifest.FormatVersion})");
            }

            var profile = root.GetProperty("profile");
            var gas = root.GetProperty("gas");
            manifest = new ModelManifest(
                RequiredString(root, "name"),
                [.. root.GetProperty("shards").EnumerateArray().Select(ReadShard)],
                ReadSignatures(root.GetProperty("inputs")),
                ReadSignatures(root.GetProperty("outputs")),
                [.. root.GetProperty("cuts").EnumerateArray().Select(cut => new CutPoint(cut.EnumerateArray().Select(RequiredString)))],
                new RuntimeProfile(
                    RequiredString(profile, "onnxRuntime"),
                    ParseName<ExecutionProviderKind>(RequiredString(profile, "provider"), ProviderName),
                    profile.GetProperty("intraOpThreads").GetInt32(),
                    profile.GetProperty("interOpThreads").GetInt32(),
                    ParseName<NodeExecutionMode>(RequiredString(profile, "executionMode"), ExecutionModeName),
                    ParseName<GraphOptimization>(RequiredString(profile, "graphOptimization"), OptimizationName),
                    profile.GetProperty("deterministicCompute").GetBoolean(),
                    profile.GetProperty("denormalsAsZero").GetBoolean()),
                new GasSchedule(
                    gas.GetProperty("base").GetUInt64(),
                    gas.GetProperty("perInputByte").GetUInt64(),
                    gas.GetProperty("model").GetUInt64()));
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ModelIntegrityException($"malformed model manifest: {exception.Message}", exception);
        }

        if (!Write(manifest).AsSpan().SequenceEqual(json))
        {
            throw new ModelIntegrityException(
                "the manifest is not in canonical form (property order, spacing, extra properties, or a modelId that is not the hash of its shards)");
        }

        manifest.Validate();
        return manifest;
    }

    private static void WriteSignatures(Utf8JsonWriter writer, string propertyName, ImmutableArray<TensorSignature> signatures)
    {
        writer.WriteStartArray(propertyName);
        foreach (var signature in signatures)
        {
            writer.WriteStartObject();
            writer.WriteString("name", signature.Name);
            writer.WriteString("type", signature.DataType.CanonicalName());
            writer.WriteStartArray("shape");
            foreach (var dimension in signature.Shape)
            {
                if (dimension.Size is { } size)
                {
                    writer.WriteNumberValue(size);
                }
                else if (dimension.Symbol.Length == 0)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(dimension.Symbol);
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static ShardManifest ReadShard(JsonElement shard) => new(
        shard.GetProperty("index").GetInt32(),
        Hash256.Parse(RequiredString(shard, "contentHash")),
        shard.GetProperty("byteLength").GetInt64(),
        ReadSignatures(shard.GetProperty("inputs")),
        ReadSignatures(shard.GetProperty("outputs")),
        shard.GetProperty("parameterCount").GetInt64());

    private static ImmutableArray<TensorSignature> ReadSignatures(JsonElement signatures) =>
        [.. signatures.EnumerateArray().Select(signature =>
        {
            var typeName = RequiredString(signature, "type");
            if (!TensorDataTypes.TryParseCanonicalName(typeName, out var dataType))
            {
                throw new FormatException($"unknown tensor element type '{typeName}'");
            }

            return new TensorSignature(
                RequiredString(signature, "name"),
                dataType,
                [.. signature.GetProperty("shape").EnumerateArray().Select(ReadDimension)]);
        })];

    private static TensorDimension ReadDimension(JsonElement dimension) => dimension.ValueKind switch
    {
        JsonValueKind.Number => TensorDimension.Fixed(dimension.GetInt64()),
        JsonValueKind.Null => TensorDimension.Free(),
        JsonValueKind.String => TensorDimension.Free(dimension.GetString()!),
        _ => throw new FormatException($"a dimension is a number, a name or null, not {dimension.ValueKind}"),
    };

    private static string RequiredString(JsonElement element, string propertyName) => RequiredString(element.GetProperty(propertyName));

    private static string RequiredString(JsonElement element) =>
        element.GetString() ?? throw new FormatException("expected a string, got null");

    private static T ParseName<T>(string name, Func<T, string> nameOf)
        where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(nameOf(value), name, StringComparison.Ordinal))
            {
                return value;
            }
        }

        throw new FormatException($"'{name}' is not a known {typeof(T).Name}");
    }

    private static string ProviderName(ExecutionProviderKind provider) => provider switch
    {
        ExecutionProviderKind.Cpu => "cpu",
        ExecutionProviderKind.Cuda => "cuda",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    private static string ExecutionModeName(NodeExecutionMode mode) => mode switch
    {
        NodeExecutionMode.Sequential => "sequential",
        NodeExecutionMode.Parallel => "parallel",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    private static string OptimizationName(GraphOptimization level) => level switch
    {
        GraphOptimization.Disabled => "disabled",
        GraphOptimization.Basic => "basic",
        GraphOptimization.Extended => "extended",
        GraphOptimization.All => "all",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };
}
