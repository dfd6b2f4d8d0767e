using System.Text.Json;
using Hyperion.Core;
using Hyperion.Fixtures;
using Xunit.Abstractions;

namespace Hyperion.State.Tests;

/// <summary>
/// The account and storage root rules against ethereum/tests BlockchainTests/ValidBlocks: the state root
/// of each test's <c>pre</c> allocation must be its genesis header's, and the root of its <c>postState</c>
/// the last block's. Only tests for the Cancun network are run.
/// </summary>
public sealed class StateRootConformanceTests(ITestOutputHelper output)
{
    private const string Folder = "BlockchainTests/ValidBlocks";
    private const string Network = "Cancun";

    [Fact]
    public void Genesis_state_roots_of_ValidBlocks_match()
    {
        int passed = 0, failed = 0, skipped = 0;
        var failures = new List<string>();
        foreach (var (name, test) in Tests())
        {
            if (test.GetProperty("network").GetString() != Network)
            {
                skipped++;
                continue;
            }

            var expected = Hash256.Parse(test.GetProperty("genesisBlockHeader").GetProperty("stateRoot").GetString()!);
            var actual = StateRootCalculator.ComputeStateRoot(ParseAllocation(test.GetProperty("pre")));
            if (actual == expected)
            {
                passed++;
            }
            else
            {
                failed++;
                failures.Add($"{name}: state root {actual}, genesis header has {expected}");
            }
        }

        ConformanceReport.Record($"{Folder} genesis state roots ({Network})", passed, failed, skipped, failures, output.WriteLine);
        Assert.Empty(failures);
        Assert.True(passed > 0, "No genesis state root was checked.");
    }

    [Fact]
    public void Post_state_roots_of_ValidBlocks_match_the_last_block()
    {
        int passed = 0, failed = 0, skipped = 0;
        var failures = new List<string>();
        foreach (var (name, test) in Tests())
        {
            if (test.GetProperty("network").GetString() != Network
                || !test.TryGetProperty("postState", out var postState)
                || LastBlockStateRoot(test) is not { } expected)
            {
                // Some tests give only a hash of the post state, which needs the blocks to be executed.
                skipped++;
                continue;
            }

            var actual = StateRootCalculator.ComputeStateRoot(ParseAllocation(postState));
            if (actual == expected)
            {
                passed++;
            }
            else
            {
                failed++;
                failures.Add($"{name}: post state root {actual}, last block has {expected}");
            }
        }

        ConformanceReport.Record($"{Folder} post state roots ({Network})", passed, failed, skipped, failures, output.WriteLine);
        Assert.Empty(failures);
        Assert.True(passed > 0, "No post state root was checked.");
    }

    /// <summary>Each test of each file; a test's element is valid until the next one is asked for.</summary>
    private static IEnumerable<(string Name, JsonElement Test)> Tests()
    {
        foreach (var file in FixturePaths.JsonFiles(Folder))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var test in json.RootElement.EnumerateObject())
            {
                yield return ($"{Path.GetFileName(file)} {test.Name}", test.Value);
            }
        }
    }

    private static Hash256? LastBlockStateRoot(JsonElement test)
    {
        var lastHash = test.GetProperty("lastblockhash").GetString();
        var genesis = test.GetProperty("genesisBlockHeader");
        if (string.Equals(genesis.GetProperty("hash").GetString(), lastHash, StringComparison.OrdinalIgnoreCase))
        {
            return Hash256.Parse(genesis.GetProperty("stateRoot").GetString()!);
        }

        foreach (var block in test.GetProperty("blocks").EnumerateArray())
        {
            if (block.TryGetProperty("blockHeader", out var header)
                && string.Equals(header.GetProperty("hash").GetString(), lastHash, StringComparison.OrdinalIgnoreCase))
            {
                return Hash256.Parse(header.GetProperty("stateRoot").GetString()!);
            }
        }

        return null;
    }

    /// <summary>address → {balance, nonce, code, storage}; numbers are hex and may have leading zeros.</summary>
    internal static List<KeyValuePair<Address, PlainAccount>> ParseAllocation(JsonElement allocation)
    {
        var accounts = new List<KeyValuePair<Address, PlainAccount>>();
        foreach (var entry in allocation.EnumerateObject())
        {
            var fields = entry.Value;
            var storage = new Dictionary<UInt256, UInt256>();
            foreach (var slot in fields.GetProperty("storage").EnumerateObject())
            {
                storage[UInt256.Parse(slot.Name)] = UInt256.Parse(slot.Value.GetString()!);
            }

            accounts.Add(KeyValuePair.Create(
                new Address(Hex.Decode(entry.Name)),
                new PlainAccount
                {
                    Nonce = (ulong)UInt256.Parse(fields.GetProperty("nonce").GetString()!),
                    Balance = UInt256.Parse(fields.GetProperty("balance").GetString()!),
                    Code = Hex.Decode(fields.GetProperty("code").GetString()!),
                    Storage = storage,
                }));
        }

        return accounts;
    }
}
