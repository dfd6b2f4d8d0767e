using Hyperion.Core;
using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>The generated blocks do what they say (so that the differential tests compare real work), checked on the sequential executor.</summary>
public sealed class WorkloadSanityTests
{
    private readonly SequentialBlockExecutor _executor = new();

    [Fact]
    public void Transfers_move_value_and_pay_the_coinbase()
    {
        var workload = Workloads.Transfers(20, 10, seed: 1);
        var result = _executor.Execute(workload.Block, workload.PreState);
        Assert.All(result.Receipts, receipt => Assert.True(receipt.Succeeded && receipt.GasUsed == 21_000));
        Assert.Equal(20UL * 21_000, result.GasUsed);

        // The coinbase gets the 1 gwei tip on every unit of gas; the base fee is burned.
        Assert.Equal(new UInt256(20UL * 21_000) * WorkloadBuilder.Gwei, Workloads.BalanceOf(result.PostState, WorkloadBuilder.Coinbase));
        var first = workload.Block.Transactions[0];
        var received = workload.Block.Transactions.Where(tx => tx.To == first.To).Aggregate(UInt256.Zero, (sum, tx) => sum + tx.Value);
        var spent = workload.Block.Transactions.Where(tx => tx.RecoverSender() == first.To)
            .Aggregate(UInt256.Zero, (sum, tx) => sum + tx.Value + (new UInt256(21_000) * (WorkloadBuilder.Gwei + WorkloadBuilder.Gwei)));
        Assert.Equal(WorkloadBuilder.InitialBalance + received - spent, Workloads.BalanceOf(result.PostState, first.To!.Value));
    }

    [Fact]
    public void Erc20_transfers_succeed_and_log()
    {
        var workload = Workloads.Erc20(30, 10, seed: 2);
        var result = _executor.Execute(workload.Block, workload.PreState);
        Assert.All(result.Receipts, receipt =>
        {
            Assert.True(receipt.Succeeded);
            Assert.Equal(TestContracts.TransferTopic, Assert.Single(receipt.Logs).Topics[0]);
        });

        // Tokens move but are neither made nor lost.
        Assert.True(result.PostState.TryGetAccount(Workloads.Token, out SnapshotAccount token));
        Assert.Equal(new UInt256(10) * WorkloadBuilder.InitialBalance, token.Storage.Values.Aggregate(UInt256.Zero, (sum, value) => sum + value));
    }

    [Fact]
    public void Swaps_succeed_and_keep_the_product_from_falling()
    {
        var workload = Workloads.Amm(30, 10, pools: 1, seed: 3);
        var result = _executor.Execute(workload.Block, workload.PreState);
        Assert.All(result.Receipts, receipt => Assert.True(receipt.Succeeded && receipt.Logs.Count == 1));
        Assert.True(result.PostState.TryGetAccount(Workloads.PoolAddress(0), out SnapshotAccount pool));
        var reserve0 = pool.Storage[UInt256.Zero];
        var reserve1 = pool.Storage[UInt256.One];
        Assert.NotEqual(reserve0, reserve1);
        var before = System.Numerics.BigInteger.Parse("1000000000000000000000000000000", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True((System.Numerics.BigInteger)reserve0 * (System.Numerics.BigInteger)reserve1 >= before * before);
    }

    [Fact]
    public void The_mixed_block_has_successes_failures_creations_and_deletions()
    {
        var workload = Workloads.Mixed(300, 12, seed: 4);
        var result = _executor.Execute(workload.Block, workload.PreState);
        Assert.Contains(result.Receipts, receipt => receipt.Succeeded);
        Assert.Contains(result.Receipts, receipt => !receipt.Succeeded);
        Assert.Contains(result.Receipts, receipt => receipt.ContractAddress is not null);
        Assert.Contains(result.Receipts, receipt => receipt.Logs.Count > 0);

        // EIP-6780: the factory's children were created and destroyed in one transaction, so none is left.
        Assert.True(result.PostState.TryGetAccount(Workloads.EphemeralFactory, out SnapshotAccount factory));
        Assert.True(factory.Nonce > 1);
        var child = Address.FromUInt256(factory.Storage[UInt256.Zero]);
        Assert.False(result.PostState.TryGetAccount(child, out SnapshotAccount _));

        // The sweeper self-destructed in later transactions only: it lives on, without its balance.
        Assert.True(result.PostState.TryGetAccount(Workloads.Sweeper, out SnapshotAccount sweeper));
        Assert.True(sweeper.Balance.IsZero);
    }
}
