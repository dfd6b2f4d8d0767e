using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Execution.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// <see cref="StateSnapshot.Evict"/>: an evicted contract keeps its fields and storage root (the state root does not
/// move), is loaded back through the loader on the first read of its storage or code (and only then), is checked
/// against its roots, and blocks after the eviction give the roots they give without it.
/// </summary>
public sealed class StateSnapshotEvictionTests
{
    private static readonly Address Contract = Address.Parse("0xc0c0000000000000000000000000000000000001");
    private static readonly Address Twin = Address.Parse("0xc0c0000000000000000000000000000000000002");
    private static readonly Address User = Address.Parse("0x0000000000000000000000000000000000000abc");
    private static readonly byte[] Code = [0x60, 0x00, 0x54, 0x00];
    private static readonly Hash256 CodeHash = Keccak256.Compute(Code);

    [Fact]
    public void An_evicted_contract_keeps_the_root_and_is_loaded_once_on_first_read()
    {
        var state = Deployed();
        var loader = new SourceLoader(state);
        var evicted = state.Evict([(Contract, true)], loader);

        Assert.Equal(state.StateRoot, evicted.StateRoot);
        Assert.True(evicted.TryGetAccount(Contract, out SnapshotAccount account));
        Assert.False(account.IsResident);
        Assert.True(account.HasStorage);
        Assert.Equal(state.TryGetAccount(Contract, out SnapshotAccount before) ? before.StorageRoot : default, account.StorageRoot);
        Assert.Equal([Contract], evicted.ColdContracts());
        Assert.Equal(0, loader.Loads);

        Assert.Equal(new UInt256(7), evicted.GetStorage(Contract, UInt256.One));
        Assert.Equal(Code, evicted.GetCode(CodeHash));
        Assert.Equal(UInt256.Zero, evicted.GetStorage(Contract, new UInt256(9)));
        Assert.Equal(1, loader.Loads);
        Assert.True(account.IsResident);
        Assert.Empty(evicted.ColdContracts());
    }

    [Fact]
    public void Blocks_after_an_eviction_give_the_roots_they_give_without_it()
    {
        var state = Deployed();
        var loader = new SourceLoader(state);
        var evicted = state.Evict([(Contract, true), (Twin, false)], loader);

        // Fields only: no load. Then slot writes (one zeroing), a clear of the twin, and a new contract with the code.
        var blocks = new[]
        {
            Block((Contract, Change(nonce: 1, balance: 5, CodeHash, cleared: false))),
            Block((Contract, Change(nonce: 1, balance: 6, CodeHash, cleared: false, (1, 0), (3, 33)))),
            Block((Twin, Change(nonce: 1, balance: 0, CodeHash, cleared: true, (4, 44))), (User, Change(nonce: 1, balance: 1, StateAccount.EmptyCodeHash, cleared: false))),
        };
        var plain = state;
        foreach (var (block, index) in blocks.Select((block, index) => (block, index)))
        {
            plain = plain.Apply(block);
            evicted = evicted.Apply(block);
            Assert.Equal(plain.StateRoot, evicted.StateRoot);
            if (index == 0)
            {
                Assert.Equal(0, loader.Loads);
            }
        }

        // The contract was loaded to take the writes; the twin was cleared, which needs nothing loaded.
        Assert.Equal(1, loader.Loads);
        Assert.Equal(new UInt256(33), evicted.GetStorage(Contract, new UInt256(3)));
        Assert.Equal(UInt256.Zero, evicted.GetStorage(Contract, UInt256.One));
        Assert.Equal(new UInt256(44), evicted.GetStorage(Twin, new UInt256(4)));
        Assert.Equal(Code, evicted.GetCode(CodeHash));
    }

    [Fact]
    public void Contents_that_do_not_match_the_roots_are_refused_and_not_kept()
    {
        var state = Deployed();
        var stale = new Dictionary<Address, ColdContract> { [Contract] = new(Code, [KeyValuePair.Create(UInt256.One, new UInt256(8))]) };
        var evicted = state.Evict([(Contract, true)], new SourceLoader(stale));

        Assert.Throws<ColdContractMismatchException>(() => evicted.GetStorage(Contract, UInt256.One));
        Assert.Throws<ColdContractMismatchException>(() => evicted.Install(Contract, stale[Contract]));
        Assert.True(evicted.TryGetAccount(Contract, out SnapshotAccount account));
        Assert.False(account.IsResident);

        // The right contents, fetched ahead, are kept: no load is needed afterwards.
        Assert.True(evicted.Install(Contract, SourceLoader.ContentsOf(state, Contract)));
        Assert.False(evicted.Install(Contract, SourceLoader.ContentsOf(state, Contract)));
        Assert.Equal(new UInt256(7), evicted.GetStorage(Contract, UInt256.One));
    }

    [Fact]
    public void An_export_takes_cold_contracts_from_what_was_fetched_and_leaves_them_evicted()
    {
        var state = Deployed();
        var loader = new SourceLoader(state);
        var evicted = state.Evict([(Contract, true), (Twin, true)], loader);
        var fetched = evicted.ColdContracts().ToDictionary(address => address, address => SourceLoader.ContentsOf(state, address));

        var exported = evicted.Export(fetched).ToDictionary(entry => entry.Address);
        Assert.Equal(0, loader.Loads);
        Assert.Equal(new UInt256(7), exported[Contract].Storage[UInt256.One]);
        Assert.Equal(Code, exported[Contract].Code);
        Assert.Equal(Code, exported[Twin].Code);
        Assert.Equal(state.StateRoot, StateSnapshot.FromAccounts(exported.Values.Select(entry => KeyValuePair.Create(
            entry.Address,
            new PlainAccount { Nonce = entry.Account.Nonce, Balance = entry.Account.Balance, Code = entry.Code, Storage = entry.Storage }))).StateRoot);
        Assert.Equal(2, evicted.ColdContracts().Count);
        Assert.Throws<KeyNotFoundException>(() => evicted.Export(new Dictionary<Address, ColdContract>()).ToList());
    }

    /// <summary>Two contracts with the same code and storage, and a plain account.</summary>
    private static StateSnapshot Deployed()
    {
        var storage = new Dictionary<UInt256, UInt256> { [UInt256.One] = new UInt256(7), [new UInt256(2)] = new UInt256(8) };
        var state = StateSnapshot.FromAccounts(new Dictionary<Address, PlainAccount>
        {
            [Contract] = new() { Nonce = 1, Code = Code, Storage = storage },
            [Twin] = new() { Nonce = 1, Code = Code, Storage = storage },
            [User] = new() { Balance = new UInt256(100) },
        });
        _ = state.StateRoot;
        return state;
    }

    private static AccountChange Change(ulong nonce, ulong balance, Hash256 codeHash, bool cleared, params (ulong Slot, ulong Value)[] writes) =>
        new(false, nonce, new UInt256(balance), codeHash, cleared, writes.ToDictionary(write => new UInt256(write.Slot), write => new UInt256(write.Value)));

    private static StateChanges Block(params (Address Address, AccountChange Change)[] changes) =>
        new(changes.ToDictionary(change => change.Address, change => change.Change), new Dictionary<Hash256, byte[]>());

    /// <summary>Serves contracts as a contract grain would: from a snapshot that is never evicted, or from given contents.</summary>
    private sealed class SourceLoader(IReadOnlyDictionary<Address, ColdContract> contracts) : IContractLoader
    {
        private int _loads;

        public SourceLoader(StateSnapshot source)
            : this(new[] { Contract, Twin }.ToDictionary(address => address, address => ContentsOf(source, address)))
        {
        }

        public int Loads => _loads;

        public static ColdContract ContentsOf(StateSnapshot source, Address address)
        {
            Assert.True(source.TryGetAccount(address, out SnapshotAccount account));
            return new ColdContract(source.GetCode(account.CodeHash), [.. account.Storage]);
        }

        public ColdContract Load(in Address address)
        {
            Interlocked.Increment(ref _loads);
            return contracts[address];
        }
    }
}
