using System.Diagnostics.Metrics;
using Hyperion.Core.Transactions;
using Hyperion.Evm.Precompiles;
using Hyperion.Execution.Evm;
using Hyperion.Grains.Abstractions;
using Hyperion.Grains.Chain;
using Hyperion.Grains.Storage;

namespace Hyperion.Grains.Tests.Chain;

/// <summary>
/// The coordinator drops contracts unused for <see cref="ChainOptions.EvictContractsAfterBlocks"/> blocks and loads
/// them back: ahead of a block that calls them (prefetch), on the executor's worker that reads them (a miss), for a
/// call, and for a checkpoint. Every block's state root is the one a replay without eviction computes.
/// </summary>
public sealed class ContractEvictionTests : IDisposable
{
    // Stores calldata word 0 at slot 0 and returns slot 0's old value.
    //   PUSH1 0 CALLDATALOAD PUSH1 0 SLOAD SWAP1 PUSH1 0 SSTORE PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
    private static readonly byte[] Runtime = Hex.Decode("0x600035600054906000556000526020" + "6000f3");

    private static readonly Address Recipient = Address.Parse("0x3333333333333333333333333333333333333333");

    private readonly string _data = Directory.CreateTempSubdirectory("hyperion-eviction-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task An_evicted_contract_is_loaded_on_a_miss_or_ahead_and_the_roots_are_those_without_eviction()
    {
        var options = DevKeys.Chain();
        options.EvictContractsAfterBlocks = 2;
        var (genesis, state, _) = ChainEngine.CreateGenesis(options, 0);
        var loader = new HeadLoader(state);
        using var engine = new ChainEngine(options, StandardPrecompiles.Cancun(), genesis, state, loader);
        var reference = state;
        var nonce = 0UL;

        BuiltBlock Seal(params Transaction[] transactions)
        {
            var built = engine.BuildBlock(transactions, [.. transactions.Select(transaction => transaction.EncodeNetworkForm())], engine.Head.Timestamp + 1, []);
            Assert.Equal(transactions.Length, built.TransactionHashes.Count);
            reference = reference.Apply(built.Changes);
            Assert.Equal(reference.StateRoot, built.Block.Header.StateRoot);
            engine.Commit(built);
            loader.Head = reference;
            return built;
        }

        var contract = Seal(Deploy(nonce++)).Block.Receipts[0].ContractAddress!.Value;
        Seal(Store(nonce++, contract, 42));
        Assert.Equal(0, engine.EvictColdContracts(engine.Head.Number));
        Seal(Transfer(nonce++));
        Seal(Transfer(nonce++));
        Assert.Equal(1, engine.EvictColdContracts(engine.Head.Number));
        Assert.True(engine.State.TryGetAccount(contract, out SnapshotAccount evicted));
        Assert.False(evicted.IsResident);
        Assert.Equal(reference.StateRoot, engine.State.StateRoot);

        // No prefetch: the executor's worker misses and loads it.
        Seal(Store(nonce++, contract, 43));
        Assert.Equal(1, loader.Loads);
        Assert.Equal(new UInt256(43), engine.State.GetStorage(contract, UInt256.Zero));

        // Evicted again; a call (on a thread-pool thread, as the grain runs it) loads it.
        Seal(Transfer(nonce++));
        Seal(Transfer(nonce++));
        Assert.Equal(1, engine.EvictColdContracts(engine.Head.Number));
        var call = await Task.Run(() => engine.Call(new CallRequest(DevKeys.Key(0).Address, contract, null, null, null, null, UInt256.Zero, Word(44))));
        Assert.True(call.Success, call.Error);
        Assert.Equal(Word(43), call.ReturnData);
        Assert.Equal(2, loader.Loads);

        // Evicted again; fetched ahead of the block that calls it, so the block loads nothing.
        Seal(Transfer(nonce++));
        Seal(Transfer(nonce++));
        Seal(Transfer(nonce++));
        Assert.Equal(1, engine.EvictColdContracts(engine.Head.Number));
        var next = Store(nonce++, contract, 45);
        var cold = engine.ColdRecipients([next], out var hits);
        Assert.Equal((contract, 0), (Assert.Single(cold), hits));
        engine.InstallContract(contract, loader.ContentsOf(contract));
        Seal(next);
        Assert.Equal(2, loader.Loads);
        Assert.Equal(new UInt256(45), engine.State.GetStorage(contract, UInt256.Zero));
        Assert.Equal(reference.StateRoot, engine.State.StateRoot);
    }

    [Fact]
    public async Task A_grid_evicts_loads_back_and_checkpoints_contracts_with_the_roots_of_a_replay_without_eviction()
    {
        var chain = DevKeys.Chain();
        chain.EvictContractsAfterBlocks = 2;
        chain.ConfirmEveryBlocks = 1;
        chain.CheckpointEveryBlocks = 8;
        using var counts = new EvictionCounts();
        Address contract;
        var nonce = 0UL;
        await using (var grid = await GridCluster.StartAsync(_data, 1, chain))
        {
            async Task<ReceiptRecord> SealAsync(Transaction transaction)
            {
                var hash = await grid.SubmitAsync(transaction.EncodeNetworkForm(), DevKeys.Key(0).Address);
                await grid.Sequencer.SealBlockAsync();
                var receipt = await grid.Reader.GetReceiptAsync(hash);
                Assert.NotNull(receipt);
                Assert.True(receipt.Success);
                return receipt;
            }

            contract = (await SealAsync(Deploy(nonce++))).ContractAddress!.Value;
            await SealAsync(Store(nonce++, contract, 42));
            await SealAsync(Transfer(nonce++));
            await SealAsync(Transfer(nonce++));
            Assert.True(counts.Evicted >= 1, "the contract was not evicted");

            // The block calls it: fetched from its grain ahead of execution.
            await SealAsync(Store(nonce++, contract, 43));
            Assert.True(counts.Loads("prefetch") >= 1, "the contract was not prefetched");

            // Evicted again after block 7; block 8 writes a checkpoint, for which it is fetched (and stays evicted).
            await SealAsync(Transfer(nonce++));
            await SealAsync(Transfer(nonce++));
            await SealAsync(Transfer(nonce++));
            Assert.Equal(8UL, (await grid.Coordinator.GetHeadAsync()).Number);
            Assert.True(counts.Loads("checkpoint") >= 1, "the checkpoint did not fetch the evicted contract");

            // A call reads it: loaded on the call's thread.
            var call = await grid.Coordinator.CallAsync(new CallRequest(DevKeys.Key(0).Address, contract, null, null, null, null, UInt256.Zero, Word(7)));
            Assert.True(call.Success, call.Error);
            Assert.Equal(Word(43), call.ReturnData);
            Assert.True(counts.Loads("miss") >= 1, "the call did not load the contract");
        }

        // A restart loads the checkpoint (its root is checked against block 8's header) and the contract still works.
        await using (var grid = await GridCluster.StartAsync(_data, 1, chain))
        {
            var transaction = Store(nonce, contract, 44);
            var hash = await grid.SubmitAsync(transaction.EncodeNetworkForm(), DevKeys.Key(0).Address);
            await grid.Sequencer.SealBlockAsync();
            Assert.True((await grid.Reader.GetReceiptAsync(hash))?.Success);
        }

        // A single-threaded replay without eviction gives every header's state root.
        using var logs = new SqliteBlockLogProvider(_data);
        var state = await ChainReplay.VerifyAsync(logs.Open(DevKeys.ChainId), DevKeys.ChainId);
        Assert.Equal(new UInt256(44), state.GetStorage(contract, UInt256.Zero));
    }

    private static Transaction Deploy(ulong nonce) => Sign(nonce, null, InitCodeFor(Runtime), 200_000);

    private static Transaction Store(ulong nonce, Address contract, ulong value) => Sign(nonce, contract, Word(value), 100_000);

    private static Transaction Transfer(ulong nonce) => Sign(nonce, Recipient, [], 21_000, value: 1);

    private static Transaction Sign(ulong nonce, Address? to, byte[] data, ulong gas, ulong value = 0) => new Transaction
    {
        Type = TxType.DynamicFee,
        ChainId = DevKeys.ChainId,
        Nonce = nonce,
        MaxFeePerGas = new UInt256(100_000_000_000),
        MaxPriorityFeePerGas = new UInt256(1_000_000_000),
        GasLimit = gas,
        To = to,
        Value = new UInt256(value),
        Data = data,
    }.Sign(DevKeys.Key(0));

    private static byte[] Word(ulong value)
    {
        var word = new byte[32];
        new UInt256(value).WriteBigEndian(word);
        return word;
    }

    /// <summary>Init code that returns <paramref name="runtime"/>: CODECOPY it to memory and RETURN it.</summary>
    private static byte[] InitCodeFor(byte[] runtime)
    {
        byte[] prefix = [0x60, (byte)runtime.Length, 0x60, 12, 0x60, 0, 0x39, 0x60, (byte)runtime.Length, 0x60, 0, 0xf3];
        return [.. prefix, .. runtime];
    }

    /// <summary>Serves contracts as their grains would: from the head state of a chain that never evicts.</summary>
    private sealed class HeadLoader(StateSnapshot head) : IContractLoader
    {
        private int _loads;

        public StateSnapshot Head { get; set; } = head;

        public int Loads => _loads;

        public ColdContract ContentsOf(in Address address)
        {
            Assert.True(Head.TryGetAccount(address, out SnapshotAccount account));
            return new ColdContract(Head.GetCode(account.CodeHash), [.. account.Storage]);
        }

        public ColdContract Load(in Address address)
        {
            Interlocked.Increment(ref _loads);
            return ContentsOf(address);
        }
    }

    /// <summary>The chain meter's eviction and load counters. No other test evicts (the default window is far longer than
    /// their chains), so what this process counts is this test's.</summary>
    private sealed class EvictionCounts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, long> _loads = [];
        private readonly Lock _gate = new();
        private long _evicted;

        public EvictionCounts()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ChainMetrics.MeterName && instrument.Name is "hyperion.chain.contracts_evicted" or "hyperion.chain.contract_loads")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, measurement, tags, _) =>
            {
                lock (_gate)
                {
                    if (instrument.Name == "hyperion.chain.contracts_evicted")
                    {
                        _evicted += measurement;
                        return;
                    }

                    foreach (var tag in tags)
                    {
                        if (tag.Key == "kind" && tag.Value is string kind)
                        {
                            _loads[kind] = _loads.GetValueOrDefault(kind) + measurement;
                        }
                    }
                }
            });
            _listener.Start();
        }

        public long Evicted
        {
            get
            {
                lock (_gate)
                {
                    return _evicted;
                }
            }
        }

        public long Loads(string kind)
        {
            lock (_gate)
            {
                return _loads.GetValueOrDefault(kind);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
