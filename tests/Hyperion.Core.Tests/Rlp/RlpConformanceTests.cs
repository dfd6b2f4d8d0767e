using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using Hyperion.Core.Rlp;
using Hyperion.Fixtures;
using Xunit.Abstractions;

namespace Hyperion.Core.Tests.Rlp;

/// <summary>ethereum/tests RLPTests: valid cases encode to <c>out</c> and decode back; INVALID ones are rejected.</summary>
public sealed class RlpConformanceTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_RLPTests_case_passes()
    {
        int passed = 0, failed = 0;
        var failures = new List<string>();
        foreach (var file in FixturePaths.JsonFiles("RLPTests"))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var test in json.RootElement.EnumerateObject())
            {
                var error = RunCase(test.Value.GetProperty("in"), Hex.Decode(test.Value.GetProperty("out").GetString()!));
                if (error is null)
                {
                    passed++;
                }
                else
                {
                    failed++;
                    failures.Add($"{Path.GetFileName(file)} {test.Name}: {error}");
                }
            }
        }

        ConformanceReport.Record("RLPTests", passed, failed, 0, failures, output.WriteLine);
        Assert.Empty(failures);
        Assert.True(passed > 0, "No RLP case ran.");
    }

    private static string? RunCase(JsonElement input, byte[] encoded)
    {
        if (input.ValueKind == JsonValueKind.String && input.GetString() == "INVALID")
        {
            try
            {
                Hyperion.Core.Rlp.Rlp.Validate(encoded);
                return "an invalid encoding was accepted";
            }
            catch (RlpException)
            {
                return null;
            }
        }

        try
        {
            Hyperion.Core.Rlp.Rlp.Validate(encoded);
        }
        catch (RlpException e)
        {
            return "a valid encoding was rejected: " + e.Message;
        }

        if (input.ValueKind == JsonValueKind.String && input.GetString() == "VALID")
        {
            return null;
        }

        var writer = new RlpWriter();
        Write(writer, input);
        if (!writer.WrittenSpan.SequenceEqual(encoded))
        {
            return $"encoded {Hex.Encode(writer.WrittenSpan)}, expected {Hex.Encode(encoded)}";
        }

        var reader = new RlpReader(encoded);
        var mismatch = Compare(ref reader, input);
        reader.EnsureEnd();
        return mismatch;
    }

    private static void Write(RlpWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Array:
                writer.StartList();
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.EndList();
                break;
            default:
                writer.WriteBytes(ScalarBytes(value));
                break;
        }
    }

    private static string? Compare(ref RlpReader reader, JsonElement expected)
    {
        if (expected.ValueKind == JsonValueKind.Array)
        {
            var list = reader.ReadList();
            foreach (var item in expected.EnumerateArray())
            {
                var mismatch = Compare(ref list, item);
                if (mismatch is not null)
                {
                    return mismatch;
                }
            }

            return list.IsEnd ? null : "decoded list has extra items";
        }

        var bytes = reader.ReadBytes();
        return bytes.SequenceEqual(ScalarBytes(expected)) ? null : $"decoded {Hex.Encode(bytes)} for {expected}";
    }

    // Strings are UTF-8 text, numbers are big-endian without leading zeros, "#digits" is a big integer.
    private static byte[] ScalarBytes(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            return BigEndian(new BigInteger(value.GetUInt64()));
        }

        var text = value.GetString()!;
        return text.StartsWith('#')
            ? BigEndian(BigInteger.Parse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture))
            : Encoding.UTF8.GetBytes(text);
    }

    private static byte[] BigEndian(BigInteger value) =>
        value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
}
