using CsCheck;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Execution.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// <see cref="StateSnapshot.Apply"/> and <see cref="StateSnapshot.StateRoot"/> are incremental; these check them
/// against a model that applies the same changes to plain dictionaries (the snapshot's former algorithm) and computes
/// the root from scratch with <see cref="AccountTrie"/> and <see cref="StateRootCalculator"/>. Random blocks create,
/// update and delete accounts from a small set of addresses, write slots (a quarter of them zero, which removes
/// them), clear storage and deploy code; some build on an older snapshot instead of the newest (a fork, or a block
/// built and abandoned), and some skip the root, so that the next one is computed without its parent's.
/// </summary>
public sealed class StateSnapshotIncrementalTests
{
    private static readonly Address[] Addresses = [.. Enumerable.Range(1, 12).Select(AddressOf)];

    private static readonly Gen<UInt256> SlotValues = Gen.Frequency(
        (1, Gen.Const(UInt256.Zero)),
        (2, Gen.ULong[1, 1000].Select(value => new UInt256(value))),
        (1, Gen.Select(Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong).Select((a, b, c, d) => new UInt256(a, b, c, d))));

    private static readonly Gen<Dictionary<UInt256, UInt256>> StorageWrites =
        Gen.Select(Gen.Int[0, 24], SlotValues).List[0, 8].Select(writes =>
        {
            var map = new Dictionary<UInt256, UInt256>();
            foreach (var (slot, value) in writes)
            {
                map[new UInt256((ulong)slot)] = value;
            }

            return map;
        });

    private static readonly Gen<byte[]> Code = Gen.Byte.Array[1, 40];

    private static readonly Gen<AccountChange> Changes = Gen.Frequency(
        (1, Gen.Const(new AccountChange(true, 0, UInt256.Zero, StateAccount.EmptyCodeHash, true, new Dictionary<UInt256, UInt256>()))),
        (6, Gen.Select(Gen.ULong[0, 5], Gen.ULong[0, 1_000_000], Gen.Frequency((3, Gen.Const(StateAccount.EmptyCodeHash)), (1, Code.Select(code => Keccak256.Compute(code)))), Gen.Int[0, 5], StorageWrites)
            .Select((nonce, balance, codeHash, clear, writes) => new AccountChange(false, nonce, new UInt256(balance), codeHash, clear == 0, writes))));

    private static readonly Gen<StateChanges> Blocks =
        Gen.Select(Gen.Select(Gen.Int[0, Addresses.Length - 1], Changes).List[0, 6], Code.List[0, 2]).Select((changes, code) =>
        {
            var accounts = new Dictionary<Address, AccountChange>();
            foreach (var (index, change) in changes)
            {
                accounts[Addresses[index]] = change;
            }

            return new StateChanges(accounts, code.ToDictionary(bytes => Keccak256.Compute(bytes), bytes => bytes));
        });

    /// <summary>Which earlier version a block builds on (0: the newest), and whether its root is asked for at once.</summary>
    private static readonly Gen<List<(int Back, bool RootNow, StateChanges Changes)>> Histories =
        Gen.Select(Gen.Frequency((4, Gen.Const(0)), (1, Gen.Int[1, 4])), Gen.Frequency((3, Gen.Const(true)), (1, Gen.Const(false))), Blocks).List[1, 14];

    [Fact]
    public void The_incremental_root_equals_the_root_from_scratch_after_every_block_and_old_snapshots_keep_their_state()
    {
        Histories.Sample(history =>
        {
            var versions = new List<(StateSnapshot Snapshot, Model Model)> { (StateSnapshot.Empty, new Model()) };
            foreach (var (back, rootNow, changes) in history)
            {
                var (parent, parentModel) = versions[Math.Max(0, versions.Count - 1 - back)];
                var snapshot = parent.Apply(changes);
                var model = parentModel.Apply(changes);
                if (rootNow)
                {
                    Assert.Equal(model.StateRoot(), snapshot.StateRoot);
                }

                versions.Add((snapshot, model));
            }

            // Every version, the oldest included, still reads as it did and hashes to the root of its contents.
            foreach (var (snapshot, model) in versions)
            {
                model.AssertSameAs(snapshot);
            }
        }, iter: 400);
    }

    [Fact]
    public void A_snapshot_from_accounts_has_the_calculators_root_and_the_blocks_after_it_are_incremental()
    {
        Gen.Select(Blocks.List[1, 6], Gen.Bool).Sample((blocks, rootOfGenesis) =>
        {
            var genesis = new Dictionary<Address, PlainAccount>
            {
                [Addresses[0]] = new() { Balance = new UInt256(10), Storage = new Dictionary<UInt256, UInt256> { [UInt256.One] = new UInt256(7), [new UInt256(2)] = UInt256.Zero } },
                [Addresses[1]] = new() { Nonce = 1, Code = new byte[] { 0x60, 0x00 } },
            };
            var snapshot = StateSnapshot.FromAccounts(genesis);
            var model = Model.From(genesis);
            if (rootOfGenesis)
            {
                Assert.Equal(StateRootCalculator.ComputeStateRoot(genesis), snapshot.StateRoot);
            }

            foreach (var block in blocks)
            {
                snapshot = snapshot.Apply(block);
                model = model.Apply(block);
                Assert.Equal(model.StateRoot(), snapshot.StateRoot);
            }

            model.AssertSameAs(snapshot);
        }, iter: 200);
    }

    [Fact]
    public void An_older_snapshot_reads_its_own_values_after_newer_blocks_are_applied()
    {
        var contract = Addresses[0];
        var first = StateSnapshot.Empty.Apply(Block(contract, nonce: 1, balance: 100, (1, 11), (2, 22)));
        var firstRoot = first.StateRoot;
        var second = first.Apply(Block(contract, nonce: 2, balance: 50, (1, 0), (3, 33)));
        var third = second.Apply(new StateChanges(
            new Dictionary<Address, AccountChange> { [contract] = new(true, 0, UInt256.Zero, StateAccount.EmptyCodeHash, true, new Dictionary<UInt256, UInt256>()) },
            new Dictionary<Hash256, byte[]>()));
        _ = third.StateRoot;

        Assert.True(first.TryGetAccount(contract, out SnapshotAccount account));
        Assert.Equal((1UL, new UInt256(100)), (account.Nonce, account.Balance));
        Assert.Equal(new UInt256(11), first.GetStorage(contract, UInt256.One));
        Assert.Equal(new UInt256(22), first.GetStorage(contract, new UInt256(2)));
        Assert.Equal(UInt256.Zero, first.GetStorage(contract, new UInt256(3)));
        Assert.Equal(firstRoot, first.StateRoot);

        Assert.Equal(UInt256.Zero, second.GetStorage(contract, UInt256.One));
        Assert.Equal(new UInt256(33), second.GetStorage(contract, new UInt256(3)));
        Assert.False(third.TryGetAccount(contract, out SnapshotAccount _));
        Assert.Equal(PatriciaTrie.EmptyRootHash, third.StateRoot);
    }

    [Fact]
    public void Readers_and_root_computations_on_other_threads_see_consistent_snapshots_while_blocks_are_applied()
    {
        // A base with storage, then sibling blocks (each from the same parent) whose roots are computed on several
        // threads at once, sharing the parent's storage, while other threads keep reading the parent.
        var random = new Random(5);
        var baseBlock = new StateChanges(
            Addresses.ToDictionary(
                address => address,
                address => new AccountChange(false, 1, new UInt256((ulong)random.Next(1, 1000)), StateAccount.EmptyCodeHash, false, Enumerable.Range(0, 50).ToDictionary(slot => new UInt256((ulong)slot), _ => new UInt256((ulong)random.Next(1, 1000))))),
            new Dictionary<Hash256, byte[]>());
        var parent = StateSnapshot.Empty.Apply(baseBlock);
        var parentModel = new Model().Apply(baseBlock);
        Assert.Equal(parentModel.StateRoot(), parent.StateRoot);

        Blocks.Array[12].Sample(
            blocks =>
            {
                var siblings = blocks.Select(block => (Snapshot: parent.Apply(block), Model: parentModel.Apply(block))).ToList();
                using var stop = new CancellationTokenSource();
                var reader = Task.Run(() =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        parentModel.AssertSameAs(parent);
                    }
                });
                Parallel.ForEach(siblings, new ParallelOptions { MaxDegreeOfParallelism = 4 }, sibling =>
                    Assert.Equal(sibling.Model.StateRoot(), sibling.Snapshot.StateRoot));
                var next = siblings[0].Snapshot.Apply(blocks[^1]);
                var nextModel = siblings[0].Model.Apply(blocks[^1]);
                Parallel.For(0, 4, _ => Assert.Equal(nextModel.StateRoot(), next.StateRoot));
                stop.Cancel();
                reader.Wait();
                foreach (var (snapshot, model) in siblings)
                {
                    model.AssertSameAs(snapshot);
                }
            },
            iter: 20,
            threads: 1);
    }

    private static Address AddressOf(int index)
    {
        var bytes = new byte[Address.Length];
        bytes[0] = 0xaa;
        bytes[^1] = (byte)index;
        return new Address(bytes);
    }

    private static StateChanges Block(Address address, ulong nonce, ulong balance, params (ulong Slot, ulong Value)[] writes) =>
        new(
            new Dictionary<Address, AccountChange>
            {
                [address] = new(false, nonce, new UInt256(balance), StateAccount.EmptyCodeHash, false, writes.ToDictionary(write => new UInt256(write.Slot), write => new UInt256(write.Value))),
            },
            new Dictionary<Hash256, byte[]>());

    private sealed record ModelAccount(ulong Nonce, UInt256 Balance, Hash256 CodeHash, Dictionary<UInt256, UInt256> Storage);

    /// <summary>The state as the snapshot kept it before it was incremental: dictionaries copied for every block.</summary>
    private sealed class Model
    {
        private readonly Dictionary<Address, ModelAccount> _accounts;
        private readonly Dictionary<Hash256, byte[]> _code;

        public Model()
            : this([], [])
        {
        }

        private Model(Dictionary<Address, ModelAccount> accounts, Dictionary<Hash256, byte[]> code)
        {
            _accounts = accounts;
            _code = code;
        }

        public static Model From(Dictionary<Address, PlainAccount> accounts) => new(
            accounts.ToDictionary(
                pair => pair.Key,
                pair => new ModelAccount(
                    pair.Value.Nonce,
                    pair.Value.Balance,
                    StateRootCalculator.ComputeCodeHash(pair.Value.Code.Span),
                    pair.Value.Storage.Where(slot => !slot.Value.IsZero).ToDictionary())),
            accounts.Values.Where(account => !account.Code.IsEmpty).ToDictionary(account => Keccak256.Compute(account.Code.Span), account => account.Code.ToArray()));

        public Model Apply(StateChanges changes)
        {
            var accounts = new Dictionary<Address, ModelAccount>(_accounts);
            foreach (var (address, change) in changes.Accounts)
            {
                if (change.Deleted)
                {
                    accounts.Remove(address);
                    continue;
                }

                var storage = _accounts.TryGetValue(address, out var before) && !change.StorageCleared ? new Dictionary<UInt256, UInt256>(before.Storage) : [];
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

                accounts[address] = new ModelAccount(change.Nonce, change.Balance, change.CodeHash, storage);
            }

            var code = new Dictionary<Hash256, byte[]>(_code);
            foreach (var (hash, bytes) in changes.Code)
            {
                code[hash] = bytes;
            }

            return new Model(accounts, code);
        }

        /// <summary>From scratch, with the mutable trie: every account re-encoded, every storage trie rebuilt.</summary>
        public Hash256 StateRoot()
        {
            var trie = new AccountTrie();
            foreach (var (address, account) in _accounts)
            {
                trie.Set(address, new StateAccount(account.Nonce, account.Balance, StateRootCalculator.ComputeStorageRoot(account.Storage), account.CodeHash));
            }

            return trie.RootHash;
        }

        public void AssertSameAs(StateSnapshot snapshot)
        {
            Assert.Equal(_accounts.Count, snapshot.AccountCount);
            Assert.Equal(_accounts.Keys.Order(), snapshot.Accounts.Select(pair => pair.Key).Order());
            foreach (var address in Addresses)
            {
                if (!_accounts.TryGetValue(address, out var expected))
                {
                    Assert.False(snapshot.TryGetAccount(address, out SnapshotAccount _));
                    Assert.Equal(UInt256.Zero, snapshot.GetStorage(address, UInt256.One));
                    continue;
                }

                Assert.True(snapshot.TryGetAccount(address, out SnapshotAccount account));
                Assert.Equal((expected.Nonce, expected.Balance, expected.CodeHash), (account.Nonce, account.Balance, account.CodeHash));
                Assert.Equal(expected.Storage.Count > 0, account.HasStorage);
                Assert.Equal(expected.Storage.OrderBy(slot => slot.Key), account.Storage.OrderBy(slot => slot.Key));
                for (var slot = 0; slot < 26; slot++)
                {
                    Assert.Equal(expected.Storage.GetValueOrDefault(new UInt256((ulong)slot)), snapshot.GetStorage(address, new UInt256((ulong)slot)));
                }
            }

            foreach (var (hash, bytes) in _code)
            {
                Assert.Equal(bytes, snapshot.GetCode(hash));
            }

            Assert.Equal(StateRoot(), snapshot.StateRoot);
        }
    }
}
