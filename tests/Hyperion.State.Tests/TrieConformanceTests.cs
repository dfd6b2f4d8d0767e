using System.Text.Json;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Fixtures;
using Xunit.Abstractions;

namespace Hyperion.State.Tests;

/// <summary>ethereum/tests TrieTests: the root after each case's inserts and deletes, with plain and hashed
/// keys, and the key order that iteration gives.</summary>
public sealed class TrieConformanceTests(ITestOutputHelper output)
{
    private const string Folder = "TrieTests";

    private static readonly string[] RootFiles =
    [
        "trietest.json",
        "trieanyorder.json",
        "trietest_secureTrie.json",
        "trieanyorder_secureTrie.json",
        "hex_encoded_securetrie_test.json",
    ];

    private const string NextPreviousFile = "trietestnextprev.json";

    [Fact]
    public void Trietest_roots_match() => RunRootFile("trietest.json", hashKeys: false);

    [Fact]
    public void Trieanyorder_roots_match() => RunRootFile("trieanyorder.json", hashKeys: false);

    [Fact]
    public void Trietest_secureTrie_roots_match() => RunRootFile("trietest_secureTrie.json", hashKeys: true);

    [Fact]
    public void Trieanyorder_secureTrie_roots_match() => RunRootFile("trieanyorder_secureTrie.json", hashKeys: true);

    [Fact]
    public void Hex_encoded_securetrie_roots_match() => RunRootFile("hex_encoded_securetrie_test.json", hashKeys: true);

    [Fact]
    public void Every_TrieTests_file_has_a_test()
    {
        var covered = RootFiles.Append(NextPreviousFile).ToHashSet(StringComparer.Ordinal);
        var uncovered = FixturePaths.JsonFiles(Folder).Select(Path.GetFileName).Where(name => !covered.Contains(name!)).ToList();
        Assert.Empty(uncovered);
    }

    /// <summary>Each case inserts keys and lists, for probe keys, the previous and next key in order ("" for
    /// none); the trie's ordered enumeration answers them.</summary>
    [Fact]
    public void Trietestnextprev_neighbours_match()
    {
        int passed = 0, failed = 0;
        var failures = new List<string>();
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixturePaths.Of(Folder), NextPreviousFile)));
        foreach (var test in json.RootElement.EnumerateObject())
        {
            var trie = new PatriciaTrie();
            foreach (var key in test.Value.GetProperty("in").EnumerateArray())
            {
                var bytes = FixtureText.Bytes(key.GetString()!);
                trie.Set(bytes, bytes);
            }

            var ordered = trie.Enumerate().Select(entry => entry.Key).ToList();
            foreach (var probe in test.Value.GetProperty("tests").EnumerateArray())
            {
                var key = FixtureText.Bytes(probe[0].GetString()!);
                var expectedPrevious = FixtureText.Bytes(probe[1].GetString()!);
                var expectedNext = FixtureText.Bytes(probe[2].GetString()!);
                var previous = ordered.LastOrDefault(k => k.AsSpan().SequenceCompareTo(key) < 0) ?? [];
                var next = ordered.FirstOrDefault(k => k.AsSpan().SequenceCompareTo(key) > 0) ?? [];
                if (previous.AsSpan().SequenceEqual(expectedPrevious) && next.AsSpan().SequenceEqual(expectedNext))
                {
                    passed++;
                }
                else
                {
                    failed++;
                    failures.Add($"{test.Name} '{probe[0]}': got previous '{Hex.Encode(previous)}', next '{Hex.Encode(next)}'; expected {probe[1]}, {probe[2]}");
                }
            }
        }

        ConformanceReport.Record($"{Folder}/{NextPreviousFile}", passed, failed, 0, failures, output.WriteLine);
        Assert.Empty(failures);
        Assert.True(passed > 0, "No next/previous case ran.");
    }

    private void RunRootFile(string fileName, bool hashKeys)
    {
        int passed = 0, failed = 0;
        var failures = new List<string>();
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FixturePaths.Of(Folder), fileName)));
        foreach (var test in json.RootElement.EnumerateObject())
        {
            var error = RunRootCase(test.Value, hashKeys);
            if (error is null)
            {
                passed++;
            }
            else
            {
                failed++;
                failures.Add($"{fileName} {test.Name}: {error}");
            }
        }

        ConformanceReport.Record($"{Folder}/{fileName}", passed, failed, 0, failures, output.WriteLine);
        Assert.Empty(failures);
        Assert.True(passed > 0, $"No case of {fileName} ran.");
    }

    /// <summary>Applies the case's operations; besides the root, checks every remaining key's value and proof,
    /// and that the yellow-paper oracle agrees with the fixture.</summary>
    private static string? RunRootCase(JsonElement test, bool hashKeys)
    {
        var trie = new PatriciaTrie();
        var expectedContents = new Dictionary<string, (byte[] Key, byte[] Value)>(StringComparer.Ordinal);
        foreach (var (keyText, valueText) in Operations(test.GetProperty("in")))
        {
            var key = FixtureText.Bytes(keyText);
            if (hashKeys)
            {
                key = Keccak256.Compute(key).ToArray();
            }

            var value = valueText is null ? [] : FixtureText.Bytes(valueText);
            trie.Set(key, value);
            if (value.Length == 0)
            {
                expectedContents.Remove(Hex.Encode(key));
            }
            else
            {
                expectedContents[Hex.Encode(key)] = (key, value);
            }
        }

        var expectedRoot = Hash256.Parse(test.GetProperty("root").GetString()!);
        if (trie.RootHash != expectedRoot)
        {
            return $"root {trie.RootHash}, expected {expectedRoot}";
        }

        var oracleRoot = ReferenceTrieRoot.Compute(expectedContents.Values.Select(entry => KeyValuePair.Create(entry.Key, entry.Value)));
        if (oracleRoot != expectedRoot)
        {
            return $"the test oracle computes {oracleRoot}, expected {expectedRoot}";
        }

        foreach (var (key, value) in expectedContents.Values)
        {
            if (trie.Get(key) is not { } found || !found.AsSpan().SequenceEqual(value))
            {
                return $"Get({Hex.Encode(key)}) does not return the value set";
            }

            var proven = PatriciaTrie.VerifyProof(expectedRoot, key, trie.GetProof(key));
            if (proven is null || !proven.AsSpan().SequenceEqual(value))
            {
                return $"the proof of {Hex.Encode(key)} does not give its value";
            }
        }

        return null;
    }

    /// <summary>trietest lists [key, value] pairs in order (null deletes); trieanyorder is an object.</summary>
    private static IEnumerable<(string Key, string? Value)> Operations(JsonElement input) =>
        input.ValueKind == JsonValueKind.Array
            ? input.EnumerateArray().Select(pair => (pair[0].GetString()!, pair[1].ValueKind == JsonValueKind.Null ? null : pair[1].GetString()))
            : input.EnumerateObject().Select(pair => (pair.Name, pair.Value.ValueKind == JsonValueKind.Null ? null : pair.Value.GetString()));
}
