using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>What two executors must agree on for a block: the state, every receipt, and the roots.</summary>
internal static class BlockComparison
{
    public static void AssertSame(EvmBlockResult expected, EvmBlockResult actual, string context)
    {
        Assert.True(expected.Receipts.Count == actual.Receipts.Count, $"{context}: receipt count");
        for (var i = 0; i < expected.Receipts.Count; i++)
        {
            var want = expected.Receipts[i];
            var got = actual.Receipts[i];
            Assert.True(
                want.Encode().AsSpan().SequenceEqual(got.Encode()) && want.GasUsed == got.GasUsed && want.ContractAddress == got.ContractAddress,
                $"{context}: receipt {i}: expected {want}, got {got}");
        }

        Assert.True(expected.GasUsed == actual.GasUsed, $"{context}: gas used {expected.GasUsed} vs {actual.GasUsed}");
        Assert.True(expected.ReceiptsRoot == actual.ReceiptsRoot, $"{context}: receipts root");
        if (expected.StateRoot != actual.StateRoot)
        {
            Assert.Fail($"{context}: state root {expected.StateRoot} vs {actual.StateRoot}\n{DescribeDifference(expected.PostState, actual.PostState)}");
        }
    }

    /// <summary>The accounts that differ, for a failure message.</summary>
    public static string DescribeDifference(StateSnapshot expected, StateSnapshot actual)
    {
        var lines = new List<string>();
        var expectedAccounts = expected.Accounts.ToDictionary(pair => pair.Key, pair => pair.Value);
        var actualAccounts = actual.Accounts.ToDictionary(pair => pair.Key, pair => pair.Value);
        foreach (var address in expectedAccounts.Keys.Union(actualAccounts.Keys))
        {
            expectedAccounts.TryGetValue(address, out var want);
            actualAccounts.TryGetValue(address, out var got);
            var wantText = Describe(want);
            var gotText = Describe(got);
            if (wantText != gotText)
            {
                lines.Add($"  {address}: expected {wantText}; got {gotText}");
            }
        }

        return string.Join('\n', lines.Take(20));
    }

    private static string Describe(SnapshotAccount? account) => account is null
        ? "absent"
        : $"nonce {account.Nonce} balance {account.Balance} code {account.CodeHash} storage {{{string.Join(", ", account.Storage.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}: {pair.Value}"))}}}";
}
