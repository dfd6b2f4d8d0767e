using System.Text.Json;
using Hyperion.Core;
using Hyperion.State;

namespace Hyperion.Execution.Tests.Conformance;

/// <summary>One block of a blockchain test: its bytes, and whether it must be rejected.</summary>
internal sealed record FixtureBlock(byte[] Rlp, string? ExpectException);

/// <summary>
/// One test of an ethereum/tests BlockchainTests file: a pre-state, a genesis block, blocks to import in order (some
/// marked invalid), and the expected end: the last block's hash and the post-state (or only its root).
/// </summary>
internal sealed class BlockchainTestCase
{
    public required string Name { get; init; }

    public required string Network { get; init; }

    public required IReadOnlyDictionary<Address, PlainAccount> Pre { get; init; }

    public required byte[] GenesisRlp { get; init; }

    public required IReadOnlyList<FixtureBlock> Blocks { get; init; }

    public required Hash256 LastBlockHash { get; init; }

    /// <summary>The expected post-state, when the fixture lists it.</summary>
    public IReadOnlyDictionary<Address, PlainAccount>? Post { get; init; }

    /// <summary>The expected post-state root, when the fixture gives only that.</summary>
    public Hash256? PostStateHash { get; init; }

    public static IEnumerable<BlockchainTestCase> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (var test in document.RootElement.EnumerateObject())
        {
            var body = test.Value;
            yield return new BlockchainTestCase
            {
                Name = $"{Path.GetFileNameWithoutExtension(path)}/{test.Name}",
                Network = body.GetProperty("network").GetString() ?? "",
                Pre = ReadAccounts(body.GetProperty("pre")),
                GenesisRlp = Hex.Decode(body.GetProperty("genesisRLP").GetString()),
                Blocks = [.. body.GetProperty("blocks").EnumerateArray().Select(block => new FixtureBlock(
                    Hex.Decode(block.GetProperty("rlp").GetString()),
                    block.TryGetProperty("expectException", out var exception) ? exception.GetString() : null))],
                LastBlockHash = Hash256.Parse(body.GetProperty("lastblockhash").GetString()!),
                Post = body.TryGetProperty("postState", out var post) ? ReadAccounts(post) : null,
                PostStateHash = body.TryGetProperty("postStateHash", out var postHash) ? Hash256.Parse(postHash.GetString()!) : null,
            };
        }
    }

    private static Dictionary<Address, PlainAccount> ReadAccounts(JsonElement accounts)
    {
        var result = new Dictionary<Address, PlainAccount>();
        foreach (var account in accounts.EnumerateObject())
        {
            var storage = new Dictionary<UInt256, UInt256>();
            foreach (var slot in account.Value.GetProperty("storage").EnumerateObject())
            {
                storage[UInt256.Parse(slot.Name)] = UInt256.Parse(slot.Value.GetString()!);
            }

            result[Address.Parse(account.Name)] = new PlainAccount
            {
                Nonce = UInt256.Parse(account.Value.GetProperty("nonce").GetString()!).U0,
                Balance = UInt256.Parse(account.Value.GetProperty("balance").GetString()!),
                Code = Hex.Decode(account.Value.GetProperty("code").GetString()),
                Storage = storage,
            };
        }

        return result;
    }
}
