using System.Diagnostics;
using System.Globalization;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Execution.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Benchmarks;

/// <summary>
/// <c>state-scale</c>: what a block's state costs the coordinator (<see cref="StateSnapshot.Apply"/> and then
/// <see cref="StateSnapshot.StateRoot"/>) on states of growing size, against the former algorithm (the whole accounts
/// dictionary copied, the whole account trie rebuilt, storage roots cached while the storage is unchanged),
/// reconstructed here and run in the same process on the same blocks. Each block changes the same number of
/// accounts: balance and nonce updates of existing accounts, a few new accounts, and slot writes (some zeroing) to a
/// few contracts. Not timed: building the initial state and its first root.
/// </summary>
internal static class StateScaleBenchmark
{
    private const int Contracts = 100;
    private const int SlotsPerContract = 100;

    public static int Run(string[] args)
    {
        var sizes = new[] { 10_000, 100_000, 1_000_000 };
        var changes = 100;
        var blocks = 20;
        var baselineBlocks = 5;
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--sizes":
                    sizes = [.. value.Split(',').Select(Number)];
                    break;
                case "--changes":
                    changes = Number(value);
                    break;
                case "--blocks":
                    blocks = Number(value);
                    break;
                case "--baseline-blocks":
                    baselineBlocks = Number(value);
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}. Options: state-scale [--sizes 10000,100000,1000000] [--changes 100] [--blocks 20] [--baseline-blocks 5]");
            }
        }

        // A small state first, not reported, so that the code is compiled and tiered up before anything is timed.
        Measure(5_000, changes, blocks: 40, baselineBlocks: 40);
        foreach (var size in sizes)
        {
            var result = Measure(size, changes, blocks, baselineBlocks);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"accounts={size} changed_accounts={changes} initial_build_ms={result.BuildMs:F0} before_ms={result.BeforeMs:F2} after_ms={result.AfterMs:F3} ratio={result.BeforeMs / result.AfterMs:F0} heap_before_mb={result.BaselineBytes / 1e6:F0} heap_after_mb={result.SnapshotBytes / 1e6:F0} roots_equal={(result.RootsEqual ? "true" : "false")}"));
            if (!result.RootsEqual)
            {
                return 1;
            }
        }

        return 0;
    }

    /// <summary>Median milliseconds per block before and after, on the same blocks over the same initial state.</summary>
    private static Measurement Measure(int size, int changes, int blocks, int baselineBlocks)
    {
        var random = new Random(size);
        var accounts = Enumerable.Range(0, size).Select(index => AddressOf(index)).ToArray();
        var genesis = Genesis(accounts);
        var stream = Enumerable.Range(0, Math.Max(blocks, baselineBlocks)).Select(number => Block(random, accounts, size, number, changes)).ToList();

        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();
        var snapshot = StateSnapshot.FromAccounts(genesis);
        var genesisRoot = snapshot.StateRoot;
        var buildMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var snapshotBytes = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        var after = new List<double>();
        foreach (var block in stream.Take(blocks))
        {
            after.Add(Time(() => snapshot = snapshot.Apply(block), () => _ = snapshot.StateRoot));
        }

        snapshot = null!;
        heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var baseline = CopyingState.From(genesis);
        if (baseline.StateRoot() != genesisRoot)
        {
            throw new InvalidOperationException("The baseline's genesis root differs.");
        }

        var baselineBytes = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;

        var before = new List<double>();
        Hash256 baselineRoot = default;
        foreach (var block in stream.Take(baselineBlocks))
        {
            before.Add(Time(() => baseline = baseline.Apply(block), () => baselineRoot = baseline.StateRoot()));
        }

        // Same blocks, same roots: the comparison is between two ways of computing one thing.
        var check = StateSnapshot.FromAccounts(genesis);
        foreach (var block in stream.Take(baselineBlocks))
        {
            check = check.Apply(block);
        }

        return new(buildMs, Median(before), Median(after), baselineBytes, snapshotBytes, check.StateRoot == baselineRoot);
    }

    /// <summary>Per block (median ms) and the heap each initial state holds (the former kept no trie).</summary>
    private sealed record Measurement(double BuildMs, double BeforeMs, double AfterMs, long BaselineBytes, long SnapshotBytes, bool RootsEqual);

    private static Address AddressOf(int index)
    {
        Span<byte> bytes = stackalloc byte[Address.Length];
        BitConverter.TryWriteBytes(bytes, index);
        bytes[^1] = 0x42;
        return new Address(bytes);
    }

    private static Dictionary<Address, PlainAccount> Genesis(Address[] accounts)
    {
        var genesis = new Dictionary<Address, PlainAccount>(accounts.Length);
        for (var i = 0; i < accounts.Length; i++)
        {
            genesis[accounts[i]] = i < Contracts
                ? new PlainAccount
                {
                    Nonce = 1,
                    Balance = new UInt256((ulong)i),
                    Code = new byte[] { 0x60, (byte)i, 0x00 },
                    Storage = Enumerable.Range(0, SlotsPerContract).ToDictionary(slot => new UInt256((ulong)slot), slot => new UInt256((ulong)(slot + 1))),
                }
                : new PlainAccount { Nonce = 0, Balance = new UInt256(1_000_000_000UL + (ulong)i) };
        }

        return genesis;
    }

    /// <summary>A tenth of the changes are slot writes to contracts, a twentieth new accounts, the rest existing accounts.</summary>
    private static StateChanges Block(Random random, Address[] accounts, int size, int number, int changes)
    {
        var changed = new Dictionary<Address, AccountChange>();
        var contractWrites = Math.Max(1, changes / 10);
        var created = Math.Max(1, changes / 20);
        for (var i = 0; i < contractWrites; i++)
        {
            var storage = new Dictionary<UInt256, UInt256>();
            for (var slot = 0; slot < 4; slot++)
            {
                storage[new UInt256((ulong)random.Next(SlotsPerContract * 2))] = random.Next(4) == 0 ? UInt256.Zero : new UInt256((ulong)random.Next());
            }

            var contract = random.Next(Contracts);
            changed[accounts[contract]] = new AccountChange(false, 1, new UInt256((ulong)contract), Keccak256.Compute([0x60, (byte)contract, 0x00]), false, storage);
        }

        for (var i = 0; i < created; i++)
        {
            changed[AddressOf(size + (number * changes) + i)] = new AccountChange(false, 0, new UInt256(21_000UL), StateAccount.EmptyCodeHash, false, new Dictionary<UInt256, UInt256>());
        }

        while (changed.Count < changes)
        {
            changed[accounts[Contracts + random.Next(size - Contracts)]] = new AccountChange(false, (ulong)number + 1, new UInt256((ulong)random.Next()), StateAccount.EmptyCodeHash, false, new Dictionary<UInt256, UInt256>());
        }

        return new StateChanges(changed, new Dictionary<Hash256, byte[]>());
    }

    private static double Time(Action apply, Action root)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var started = Stopwatch.GetTimestamp();
        apply();
        root();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static int Number(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The state as the snapshot kept it before: one dictionary copied per block, the root rebuilt from every
    /// account, each account's storage root kept while its storage is unchanged.</summary>
    private sealed class CopyingState(Dictionary<Address, CopyingState.Account> accounts)
    {
        public static CopyingState From(Dictionary<Address, PlainAccount> genesis) => new(genesis.ToDictionary(
            pair => pair.Key,
            pair => new Account(pair.Value.Nonce, pair.Value.Balance, StateRootCalculator.ComputeCodeHash(pair.Value.Code.Span), pair.Value.Storage.Where(slot => !slot.Value.IsZero).ToDictionary())));

        public CopyingState Apply(StateChanges changes)
        {
            var next = new Dictionary<Address, Account>(accounts);
            foreach (var (address, change) in changes.Accounts)
            {
                if (change.Deleted)
                {
                    next.Remove(address);
                    continue;
                }

                accounts.TryGetValue(address, out var before);
                if (before is not null && !change.StorageCleared && change.Storage.Count == 0)
                {
                    next[address] = new Account(change.Nonce, change.Balance, change.CodeHash, before.Storage) { CachedStorageRoot = before.CachedStorageRoot };
                    continue;
                }

                var storage = before is null || change.StorageCleared ? [] : new Dictionary<UInt256, UInt256>(before.Storage);
                foreach (var (slot, value) in change.Storage)
                {
                    if (value.IsZero)
                    {
                        storage.Remove(slot);
                    }
                    else
                    {
                        storage[slot] = value;
                    }
                }

                next[address] = new Account(change.Nonce, change.Balance, change.CodeHash, storage);
            }

            return new CopyingState(next);
        }

        public Hash256 StateRoot()
        {
            var trie = new AccountTrie();
            foreach (var (address, account) in accounts)
            {
                account.CachedStorageRoot ??= account.Storage.Count == 0 ? StateAccount.EmptyTrieRoot : StateRootCalculator.ComputeStorageRoot(account.Storage);
                trie.Set(address, new StateAccount(account.Nonce, account.Balance, account.CachedStorageRoot.Value, account.CodeHash));
            }

            return trie.RootHash;
        }

        public sealed record Account(ulong Nonce, UInt256 Balance, Hash256 CodeHash, Dictionary<UInt256, UInt256> Storage)
        {
            public Hash256? CachedStorageRoot { get; set; }
        }
    }
}
