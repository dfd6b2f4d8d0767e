using Hyperion.Execution.Evm;
using Hyperion.Grains.Abstractions;
using Hyperion.Grains.Chain;
using Hyperion.Grains.Storage;

namespace Hyperion.Grains.Tests.Chain;

/// <summary>The chain grains on real embedded storage: commit, restart, kill, and a silo lost and added under load.</summary>
public sealed class GridTests : IDisposable
{
    private static readonly Address Recipient = Address.Parse("0x1111111111111111111111111111111111111111");
    private readonly string _data = Directory.CreateTempSubdirectory("hyperion-grid-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Transfers_commit_and_a_restart_gives_the_same_head_and_balances()
    {
        ChainHead headBefore;
        await using (var grid = await GridCluster.StartAsync(_data, 1, DevKeys.Chain()))
        {
            var hashes = new List<Hash256>();
            for (ulong nonce = 0; nonce < 3; nonce++)
            {
                var (raw, _) = DevKeys.Transfer(0, Recipient, nonce, 1_000);
                hashes.Add(await grid.SubmitAsync(raw, DevKeys.Key(0).Address));
            }

            Assert.Equal(1UL, await grid.Sequencer.SealBlockAsync());
            foreach (var hash in hashes)
            {
                var receipt = await grid.Reader.GetReceiptAsync(hash);
                Assert.NotNull(receipt);
                Assert.True(receipt.Success);
                Assert.Equal(1UL, receipt.BlockNumber);
                Assert.Equal(21_000UL, receipt.GasUsed);
            }

            var recipient = await grid.Client.GetAccountGrain(grid.ChainId, Recipient).GetAsync();
            Assert.Equal(new UInt256(3_000), recipient.Balance);
            var sender = await grid.Client.GetAccountGrain(grid.ChainId, DevKeys.Key(0).Address).GetAsync();
            Assert.Equal(3UL, sender.Nonce);
            Assert.True(sender.Balance < DevKeys.TenThousandEth - new UInt256(3_000));
            Assert.Equal(3UL, await grid.Sequencer.GetPendingNonceAsync(DevKeys.Key(0).Address) ?? sender.Nonce);

            var block = await grid.Reader.GetBlockByNumberAsync(1);
            Assert.NotNull(block);
            Assert.Equal(3, block.Transactions.Length);
            headBefore = await grid.Coordinator.GetHeadAsync();
            Assert.Equal(block.Hash, headBefore.Hash);
        }

        await using (var grid = await GridCluster.StartAsync(_data, 1, DevKeys.Chain()))
        {
            var head = await grid.Coordinator.GetHeadAsync();
            Assert.Equal(headBefore, head);
            Assert.Equal(new UInt256(3_000), (await grid.Client.GetAccountGrain(grid.ChainId, Recipient).GetAsync()).Balance);
            var (raw, _) = DevKeys.Transfer(0, Recipient, 3, 500);
            var hash = await grid.SubmitAsync(raw, DevKeys.Key(0).Address);
            Assert.Equal(2UL, await grid.Sequencer.SealBlockAsync());
            Assert.NotNull(await grid.Reader.GetReceiptAsync(hash));
            Assert.Equal(new UInt256(3_500), (await grid.Client.GetAccountGrain(grid.ChainId, Recipient).GetAsync()).Balance);
        }

        using var logs = new SqliteBlockLogProvider(_data);
        var final = await ChainReplay.VerifyAsync(logs.Open(DevKeys.ChainId), DevKeys.ChainId);
        Assert.True(final.TryGetAccount(Recipient, out SnapshotAccount account));
        Assert.Equal(new UInt256(3_500), account.Balance);
    }

    [Fact]
    public async Task Bad_transactions_are_refused_with_gethʼs_words_and_change_nothing()
    {
        await using var grid = await GridCluster.StartAsync(_data, 1, DevKeys.Chain());
        var sender = DevKeys.Key(1).Address;
        var (first, _) = DevKeys.Transfer(1, Recipient, 0, 1);
        await grid.SubmitAsync(first, sender);

        var (gap, _) = DevKeys.Transfer(1, Recipient, 1 + Mempool.MaxNonceGap + 1, 1);
        Assert.StartsWith("nonce too high", (await grid.Sequencer.SubmitAsync(gap, sender)).Error, StringComparison.Ordinal);
        Assert.Equal("already known", (await grid.Sequencer.SubmitAsync(first, sender)).Error);
        Assert.StartsWith("rlp:", (await grid.Sequencer.SubmitAsync([0x02, 0xc0], sender)).Error, StringComparison.Ordinal);
        var (poor, _) = DevKeys.Transfer(2, Recipient, 0, 1, maxFeeGwei: 1_000_000_000);
        Assert.StartsWith("insufficient funds for gas * price + value", (await grid.Sequencer.SubmitAsync(poor, DevKeys.Key(2).Address)).Error, StringComparison.Ordinal);

        var (waiting, _) = DevKeys.Transfer(1, Recipient, 3, 1);
        Assert.True((await grid.Sequencer.SubmitAsync(waiting, sender)).Accepted);
        var status = await grid.Sequencer.GetStatusAsync();
        Assert.Equal((1, 1), (status.Pending, status.Queued));
        await grid.Sequencer.SealBlockAsync();
        var (stale, _) = DevKeys.Transfer(1, Recipient, 0, 2);
        Assert.StartsWith("nonce too low", (await grid.Sequencer.SubmitAsync(stale, sender)).Error, StringComparison.Ordinal);
        Assert.Equal(new UInt256(1), (await grid.Client.GetAccountGrain(grid.ChainId, Recipient).GetAsync()).Balance);

        // Nonce 3 waited for the gap at 1 and 2: closing it releases all three into the next block.
        for (ulong nonce = 1; nonce <= 2; nonce++)
        {
            var (raw, _) = DevKeys.Transfer(1, Recipient, nonce, 1);
            Assert.True((await grid.Sequencer.SubmitAsync(raw, sender)).Accepted);
        }

        await grid.Sequencer.SealBlockAsync();
        Assert.Equal(new UInt256(4), (await grid.Client.GetAccountGrain(grid.ChainId, Recipient).GetAsync()).Balance);
    }

    [Fact]
    public async Task A_batch_is_admitted_in_order_with_one_result_per_transaction()
    {
        await using var grid = await GridCluster.StartAsync(_data, 1, DevKeys.Chain());
        var sender = DevKeys.Key(4).Address;
        var (first, firstTx) = DevKeys.Transfer(4, Recipient, 0, 7);
        var (second, secondTx) = DevKeys.Transfer(4, Recipient, 1, 7);
        var (otherSender, otherTx) = DevKeys.Transfer(5, Recipient, 0, 7);
        var (stale, _) = DevKeys.Transfer(6, Recipient, 0, 7);
        await grid.SubmitAsync(stale, DevKeys.Key(6).Address);
        await grid.Sequencer.SealBlockAsync();
        var (tooFar, _) = DevKeys.Transfer(4, Recipient, 2 + Mempool.MaxNonceGap + 1, 7);

        // In order: the second needs the first (same batch), a copy of the first is then known, the stale one is
        // below its sender's nonce, garbage is refused, and another sender's transfer goes in beside them.
        var results = await grid.Sequencer.SubmitBatchAsync(
        [
            new SubmitRequest(first, sender),
            new SubmitRequest(second, sender),
            new SubmitRequest(first, sender),
            new SubmitRequest(stale, DevKeys.Key(6).Address),
            new SubmitRequest([0x02, 0xc0], sender),
            new SubmitRequest(tooFar, sender),
            new SubmitRequest(otherSender, DevKeys.Key(5).Address),
        ]);

        Assert.Equal(7, results.Length);
        Assert.Equal(firstTx.Hash, results[0].Hash);
        Assert.True(results[0].Accepted);
        Assert.Equal(secondTx.Hash, results[1].Hash);
        Assert.Equal("already known", results[2].Error);
        Assert.StartsWith("nonce too low", results[3].Error, StringComparison.Ordinal);
        Assert.StartsWith("rlp:", results[4].Error, StringComparison.Ordinal);
        Assert.StartsWith("nonce too high", results[5].Error, StringComparison.Ordinal);
        Assert.Equal(otherTx.Hash, results[6].Hash);
        Assert.Equal((3, 0), ((await grid.Sequencer.GetStatusAsync()).Pending, (await grid.Sequencer.GetStatusAsync()).Queued));

        await grid.Sequencer.SealBlockAsync();
        Assert.Equal(new UInt256(4 * 7), (await grid.Client.GetAccountGrain(grid.ChainId, Recipient).GetAsync()).Balance);
        Assert.Equal(2UL, (await grid.Client.GetAccountGrain(grid.ChainId, sender).GetAsync()).Nonce);
    }

    [Fact]
    public async Task A_killed_node_loses_no_committed_block()
    {
        var chain = DevKeys.Chain();
        chain.ConfirmEveryBlocks = 1_000; // nothing but genesis is ever confirmed: recovery must come from the log
        var committed = new List<Hash256>();
        ChainHead head;
        var grid = await GridCluster.StartAsync(_data, 1, chain);
        try
        {
            for (ulong nonce = 0; nonce < 4; nonce++)
            {
                var (raw, _) = DevKeys.Transfer(3, Recipient, nonce, 10);
                committed.Add(await grid.SubmitAsync(raw, DevKeys.Key(3).Address));
                await grid.Sequencer.SealBlockAsync();
            }

            head = await grid.Coordinator.GetHeadAsync();
            Assert.Equal(4UL, head.Number);
            await grid.Cluster.KillSiloAsync(grid.Cluster.Silos[0]);
        }
        finally
        {
            await grid.Cluster.DisposeAsync();
        }

        await using var restarted = await GridCluster.StartAsync(_data, 1, chain);
        Assert.Equal(head, await restarted.Coordinator.GetHeadAsync());
        foreach (var hash in committed)
        {
            Assert.NotNull(await restarted.Reader.GetReceiptAsync(hash));
        }

        Assert.Equal(new UInt256(40), (await restarted.Client.GetAccountGrain(restarted.ChainId, Recipient).GetAsync()).Balance);
        Assert.Equal(4UL, (await restarted.Client.GetAccountGrain(restarted.ChainId, DevKeys.Key(3).Address).GetAsync()).Nonce);
    }

    [Fact]
    public async Task Three_silos_keep_committing_while_one_is_killed_and_another_added()
    {
        var chain = DevKeys.Chain(blockTimeMs: 50);
        await using var grid = await GridCluster.StartAsync(_data, 3, chain);
        var receipts = new Dictionary<Hash256, Hash256>();
        var nonces = new ulong[10];
        var sentRaw = new Dictionary<Hash256, (byte[] Raw, Address Sender)>();

        async Task SendRoundAsync(int perSender)
        {
            for (var round = 0; round < perSender; round++)
            {
                for (var key = 0; key < 10; key++)
                {
                    var (raw, transaction) = DevKeys.Transfer(key, Recipient, nonces[key]++, 1);
                    sentRaw[transaction.Hash] = (raw, DevKeys.Key(key).Address);
                    await SubmitWithRetryAsync(grid, raw, DevKeys.Key(key).Address);
                }
            }
        }

        await SendRoundAsync(3);
        await WaitForAllAsync(grid, sentRaw, receipts);

        // Kill the silo hosting the coordinator when it is not the first one (the test cluster's seed), else another.
        var coordinatorSilo = await FindCoordinatorSiloAsync(grid);
        var victim = grid.Cluster.Silos.FirstOrDefault(silo => silo.SiloAddress.Equals(coordinatorSilo) && silo != grid.Cluster.Silos[0])
            ?? grid.Cluster.Silos[1];
        var sending = SendRoundAsync(3);
        await grid.Cluster.KillSiloAsync(victim);
        await sending;
        await grid.Cluster.StartAdditionalSiloAsync();
        await SendRoundAsync(3);
        await WaitForAllAsync(grid, sentRaw, receipts);

        // Nothing reported committed was lost: every receipt is still there, in the same block.
        foreach (var (hash, blockHash) in receipts)
        {
            var receipt = await grid.Reader.GetReceiptAsync(hash);
            Assert.NotNull(receipt);
            Assert.Equal(blockHash, receipt.BlockHash);
        }

        Assert.Equal(new UInt256(90), (await grid.Client.GetAccountGrain(grid.ChainId, Recipient).GetAsync()).Balance);

        // A single-threaded replay of the whole log gives every header's state root, and the grains agree with it.
        using var logs = new SqliteBlockLogProvider(_data);
        var state = await ChainReplay.VerifyAsync(logs.Open(DevKeys.ChainId), DevKeys.ChainId);
        var head = await grid.Coordinator.GetHeadAsync();
        Assert.Equal(head.StateRoot, state.StateRoot);
        for (var key = 0; key < 10; key++)
        {
            var address = DevKeys.Key(key).Address;
            Assert.True(state.TryGetAccount(address, out SnapshotAccount expected));
            var account = await grid.Client.GetAccountGrain(grid.ChainId, address).GetAsync();
            Assert.Equal(expected.Balance, account.Balance);
            Assert.Equal(nonces[key], account.Nonce);
        }
    }

    private static async Task SubmitWithRetryAsync(GridCluster grid, byte[] raw, Address sender)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // After the sequencer's silo dies its mempool is gone: a later nonce is then "too high" until the
                // lost ones are sent again, which WaitForAllAsync does, in nonce order.
                var result = await grid.Sequencer.SubmitAsync(raw, sender);
                Assert.True(
                    result.Accepted || result.Error == "already known" || result.Error!.StartsWith("nonce too high", StringComparison.Ordinal),
                    result.Error);
                return;
            }
            catch (Exception exception) when (attempt < 50 && exception is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>
    /// Waits for every sent transaction's receipt; one that a killed silo's mempool lost is sent again, as a wallet
    /// would ("nonce too low" then means it was committed after all).
    /// </summary>
    private static async Task WaitForAllAsync(GridCluster grid, Dictionary<Hash256, (byte[] Raw, Address Sender)> sent, Dictionary<Hash256, Hash256> receipts)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var missing = sent.Keys.Where(hash => !receipts.ContainsKey(hash)).ToList();
            foreach (var hash in missing)
            {
                if (await grid.WaitForReceiptAsync(hash, TimeSpan.FromMilliseconds(200)) is { } receipt)
                {
                    Assert.True(receipt.Success);
                    receipts[hash] = receipt.BlockHash;
                }
            }

            missing = sent.Keys.Where(hash => !receipts.ContainsKey(hash)).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{missing.Count} transactions never committed");
            foreach (var hash in missing.OrderBy(hash => Transaction(sent[hash].Raw).Nonce))
            {
                try
                {
                    await grid.Sequencer.SubmitAsync(sent[hash].Raw, sent[hash].Sender);
                }
                catch (Exception exception) when (exception is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException)
                {
                    // Try again on the next pass.
                }
            }
        }
    }

    private static Core.Transactions.Transaction Transaction(byte[] raw) =>
        Core.Transactions.Transaction.Decode(raw, Core.Transactions.TransactionForm.Network);

    private static async Task<SiloAddress?> FindCoordinatorSiloAsync(GridCluster grid)
    {
        var management = grid.Client.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        return statistics.FirstOrDefault(stat => stat.GrainType.Contains("BlockCoordinator", StringComparison.Ordinal))?.SiloAddress;
    }
}
