using Hyperion.Core;
using Hyperion.Core.Transactions;
using Hyperion.Execution.Evm;
using Hyperion.State;
using Xunit.Abstractions;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// The plain-transfer path of <see cref="ParallelBlockExecutor"/> (<see cref="BlockExecutionMode.ParallelTransfers"/>)
/// against the sequential reference: the same receipts, roots and account changes (flags included), and every block
/// outside its plan handed to the general engine with the same result.
/// </summary>
public sealed class PlainTransferTests
{
    private readonly ITestOutputHelper _output;

    public PlainTransferTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>Few accounts: senders repeat, recipients send later in the block, credits land between a sender's transactions.</summary>
    [Theory]
    [InlineData(200, 50)]
    [InlineData(200, 5)]
    [InlineData(300, 2)]
    [InlineData(64, 64)]
    public void Transfer_blocks_give_the_sequential_block(int transactions, int accounts)
    {
        foreach (var seed in new[] { 1, 2, 3, 4 })
        {
            var builder = new WorkloadBuilder(accounts, seed);
            for (var i = 0; i < transactions; i++)
            {
                var sender = builder.Random.Next(accounts);
                var recipient = (sender + 1 + builder.Random.Next(accounts - 1)) % accounts;
                builder.Add(sender, builder.AddressOf(recipient), new UInt256((ulong)builder.Random.Next(1, 1_000_000)), gas: 21_000, tip: new UInt256((ulong)builder.Random.Next(1, 3)));
            }

            AssertTransferPath(builder.Build("transfers"), $"{transactions} txs {accounts} accounts seed {seed}");
        }
    }

    [Fact]
    public void Accounts_created_by_a_credit_can_send_later_in_the_block()
    {
        var builder = new WorkloadBuilder(accounts: 6, seed: 7);
        var poor = builder.AddressOf(5);
        builder.RemoveAccount(poor);
        builder.RemoveAccount(WorkloadBuilder.Coinbase);
        var fresh = Address.Parse("0x1234000000000000000000000000000000005678");
        builder.Add(0, poor, WorkloadBuilder.InitialBalance / new UInt256(4), gas: 21_000);
        builder.Add(1, fresh, UInt256.One, gas: 21_000);
        builder.Add(5, builder.AddressOf(2), new UInt256(1_000), gas: 21_000);
        builder.Add(2, poor, new UInt256(7), gas: 21_000);
        builder.Add(5, fresh, new UInt256(3), gas: 21_000);
        builder.Add(3, builder.AddressOf(4), new UInt256(9), gas: 21_000);
        var workload = builder.Build("created by a credit", withdrawals: [new Withdrawal(0, 1, poor, 5), new Withdrawal(1, 2, builder.AddressOf(3), 1)]);
        AssertTransferPath(workload, "created by a credit");
    }

    /// <summary>
    /// The block's system call (a parent beacon root) writes a contract's storage before the transfers, and withdrawals
    /// credit a recipient and a sender of the block: the changes the workers settled, partitioned by address, and the
    /// ones the overlay made are one set, as sequentially.
    /// </summary>
    [Fact]
    public void The_system_calls_and_the_withdrawals_changes_join_the_settled_accounts()
    {
        var builder = new WorkloadBuilder(accounts: 40, seed: 11);

        // Any code that writes storage when called stands in for the beacon roots contract.
        builder.Deploy(BeaconRootSystemCall.BeaconRootsAddress, TestContracts.Counter);
        for (var i = 0; i < 160; i++)
        {
            builder.Add(i % 40, builder.AddressOf((i * 7 + 3) % 40), new UInt256((ulong)(i + 1)), gas: 21_000);
        }

        var recipient = Address.Parse("0x00000000000000000000000000000000000000aa");
        builder.Add(5, recipient, new UInt256(77), gas: 21_000);
        var workload = builder.Build(
            "system call and withdrawals",
            withdrawals: [new Withdrawal(0, 1, recipient, 5), new Withdrawal(1, 2, builder.AddressOf(9), 1), new Withdrawal(2, 3, builder.AddressOf(9), 2)]);
        workload = workload with { Block = workload.Block with { ParentBeaconBlockRoot = Hash256.FromUInt256(new UInt256(0x5eed)) } };
        Assert.True(workload.Block.Transactions.Count >= 64);
        AssertTransferPath(workload, "system call and withdrawals");
        var changes = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState).Changes;
        Assert.NotEmpty(changes.Accounts[BeaconRootSystemCall.BeaconRootsAddress].Storage);
    }

    /// <summary>One executor keeps the path's tables from block to block: blocks of other sizes after it see nothing of the last.</summary>
    [Fact]
    public void Blocks_after_blocks_reuse_the_tables_without_seeing_the_last_ones()
    {
        using var parallel = new ParallelBlockExecutor(new BlockStmOptions { ThreadCount = 2, SequentialBelowTransactionCount = 0 });
        foreach (var (transactions, accounts, seed) in new[] { (400, 30, 1), (96, 12, 2), (400, 300, 3), (64, 4, 4), (300, 50, 5) })
        {
            var builder = new WorkloadBuilder(accounts, seed);
            for (var i = 0; i < transactions; i++)
            {
                var sender = builder.Random.Next(accounts);
                builder.Add(sender, builder.AddressOf((sender + 1 + builder.Random.Next(accounts - 1)) % accounts), new UInt256((ulong)builder.Random.Next(1, 1_000)), gas: 21_000);
            }

            var workload = builder.Build($"reuse {transactions}");
            var expected = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState);
            var actual = parallel.Execute(workload.Block, workload.PreState);
            Assert.Equal(BlockExecutionMode.ParallelTransfers, actual.Stats!.Mode);
            BlockComparison.AssertSame(expected, actual, workload.Name);
            AssertSameChanges(expected.Changes, actual.Changes, workload.Name);
        }
    }

    /// <summary>
    /// One call with data anywhere in a block of transfers (second, middle, last) gives the whole block to the engine,
    /// with the sequential result.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(127)]
    public void A_block_with_one_call_among_transfers_is_given_to_the_engine(int position)
    {
        var builder = new WorkloadBuilder(accounts: 16, seed: 12);
        builder.Deploy(Workloads.Counter, TestContracts.Counter);
        for (var i = 0; i < 128; i++)
        {
            if (i == position)
            {
                builder.Add(i % 16, Workloads.Counter, UInt256.Zero, gas: 100_000, data: [1]);
                continue;
            }

            builder.Add(i % 16, builder.AddressOf((i + 5) % 16), new UInt256(3), gas: 21_000);
        }

        AssertEngine(builder.Build($"call at {position}"), $"call at {position}");
    }

    [Fact]
    public void A_zero_tip_is_given_to_the_engine()
    {
        var builder = new WorkloadBuilder(accounts: 8, seed: 8);
        builder.SetAccount(WorkloadBuilder.Coinbase, new PlainAccount());
        for (var i = 0; i < 40; i++)
        {
            builder.Add(i % 8, builder.AddressOf((i + 3) % 8), new UInt256(5), gas: 21_000, tip: i == 17 ? UInt256.Zero : WorkloadBuilder.Gwei);
        }

        AssertEngine(builder.Build("zero tip"), "zero tip");
    }

    [Fact]
    public void A_recipient_with_code_is_given_to_the_engine()
    {
        var builder = new WorkloadBuilder(accounts: 8, seed: 9);
        builder.Deploy(Workloads.Counter, TestContracts.Counter);
        for (var i = 0; i < 40; i++)
        {
            builder.Add(i % 8, i == 30 ? Workloads.Counter : builder.AddressOf((i + 3) % 8), new UInt256(5), gas: 100_000);
        }

        AssertEngine(builder.Build("code"), "recipient with code");
    }

    [Fact]
    public void A_transfer_beyond_its_balance_rejects_the_block_as_before()
    {
        var builder = new WorkloadBuilder(accounts: 4, seed: 10);
        for (var i = 0; i < 20; i++)
        {
            builder.Add(i % 4, builder.AddressOf((i + 1) % 4), i == 13 ? WorkloadBuilder.InitialBalance * new UInt256(2) : UInt256.One, gas: 21_000);
        }

        var workload = builder.Build("too poor");
        var sequential = Assert.Throws<InvalidBlockException>(() => new SequentialBlockExecutor().Execute(workload.Block, workload.PreState));
        using var executor = new ParallelBlockExecutor(new BlockStmOptions { ThreadCount = 2, SequentialBelowTransactionCount = 0 });
        var parallel = Assert.Throws<InvalidBlockException>(() => executor.Execute(workload.Block, workload.PreState));
        Assert.Equal(13, sequential.TransactionIndex);
        Assert.Equal(sequential.TransactionIndex, parallel.TransactionIndex);
        Assert.Equal(sequential.Message, parallel.Message);
    }

    /// <summary>
    /// The gas pool runs out at a transaction in the first, a middle or the last part of a block of transfers: the
    /// receipts, built in stripes at once, hand the block to the walk in order, which rejects it at the same
    /// transaction, for the same reason, as the sequential executor, on every thread count.
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(150)]
    [InlineData(299)]
    public void A_block_that_runs_out_of_gas_is_rejected_at_the_same_transaction(int firstOver)
    {
        var builder = new WorkloadBuilder(accounts: 40, seed: 13);
        for (var i = 0; i < 300; i++)
        {
            builder.Add(i % 40, builder.AddressOf((i + 7) % 40), new UInt256((ulong)i + 1), gas: 21_000);
        }

        // Room for exactly the transactions before firstOver.
        var workload = builder.Build($"gas pool to {firstOver}", gasLimit: (ulong)firstOver * 21_000);
        var sequential = Assert.Throws<InvalidBlockException>(() => new SequentialBlockExecutor().Execute(workload.Block, workload.PreState));
        Assert.Equal(firstOver, sequential.TransactionIndex);
        Assert.Equal(BlockRejectionReason.BlockGasLimitExceeded, sequential.Reason);
        foreach (var threads in new[] { 1, 2, 4, 8 })
        {
            using var executor = new ParallelBlockExecutor(new BlockStmOptions { ThreadCount = threads, SequentialBelowTransactionCount = 0, FallBackOnDependencyChains = false });
            var parallel = Assert.Throws<InvalidBlockException>(() => executor.Execute(workload.Block, workload.PreState));
            Assert.Equal(sequential.TransactionIndex, parallel.TransactionIndex);
            Assert.Equal(sequential.Reason, parallel.Reason);
            Assert.Equal(sequential.Message, parallel.Message);
        }
    }

    /// <summary>
    /// Transactions decoded afresh (senders unknown, as in a block from the network): the executor recovers them in
    /// parallel before anything runs, on either path, with the sequential result.
    /// </summary>
    [Theory]
    [InlineData("transfers", true)]
    [InlineData("erc20", false)]
    public void Senders_to_recover_give_the_sequential_block(string name, bool transferPath)
    {
        var workload = Workloads.Create(name, 96, 24, seed: 12);
        EvmBlock Decoded() => workload.Block with { Transactions = [.. workload.Block.Transactions.Select(static transaction => Transaction.Decode(transaction.Encode()))] };
        var expected = new SequentialBlockExecutor().Execute(Decoded(), workload.PreState);
        using var parallel = new ParallelBlockExecutor(new BlockStmOptions { ThreadCount = 2 });
        var actual = parallel.Execute(Decoded(), workload.PreState);
        // The engine may give a conflicting block up to the sequential executor; the transfer path never does.
        Assert.Equal(transferPath, actual.Stats!.Mode == BlockExecutionMode.ParallelTransfers);
        BlockComparison.AssertSame(expected, actual, $"{name} with senders to recover");
    }

    private void AssertTransferPath(Workload workload, string context) => AssertParallel(workload, context, BlockExecutionMode.ParallelTransfers);

    private void AssertEngine(Workload workload, string context) => AssertParallel(workload, context, BlockExecutionMode.Parallel);

    private void AssertParallel(Workload workload, string context, BlockExecutionMode mode)
    {
        var expected = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState);
        foreach (var threads in new[] { 1, 2, 4, 8 })
        {
            using var parallel = new ParallelBlockExecutor(new BlockStmOptions { ThreadCount = threads, SequentialBelowTransactionCount = 0, FallBackOnDependencyChains = false });
            var actual = parallel.Execute(workload.Block, workload.PreState);

            // The blocks the engine would take go to the committer and the runner on two threads, and to the sequential
            // executor on one.
            var expectedMode = (mode, threads) switch
            {
                (BlockExecutionMode.Parallel, 1) => BlockExecutionMode.Sequential,
                (BlockExecutionMode.Parallel, 2) => BlockExecutionMode.RunAhead,
                _ => mode,
            };
            Assert.Equal(expectedMode, actual.Stats!.Mode);
            BlockComparison.AssertSame(expected, actual, $"{context} threads {threads}");
            if (mode == BlockExecutionMode.ParallelTransfers)
            {
                AssertSameChanges(expected.Changes, actual.Changes, $"{context} threads {threads}");
            }

            _output.WriteLine($"{context} threads {threads}: {actual.Stats}");
        }
    }

    /// <summary>
    /// The account changes themselves, not only the root they give: existence, fields and the storage-cleared flag (the
    /// plain-transfer path sets the flag of an account it creates as the sequential run does).
    /// </summary>
    private static void AssertSameChanges(StateChanges expected, StateChanges actual, string context)
    {
        Assert.True(expected.Accounts.Count == actual.Accounts.Count, $"{context}: {expected.Accounts.Count} changed accounts vs {actual.Accounts.Count}");
        foreach (var (address, want) in expected.Accounts)
        {
            Assert.True(actual.Accounts.TryGetValue(address, out var got), $"{context}: {address} unchanged");
            Assert.True(
                want.Deleted == got.Deleted && want.Nonce == got.Nonce && want.Balance == got.Balance && want.CodeHash == got.CodeHash
                    && want.StorageCleared == got.StorageCleared && want.Storage.Count == got.Storage.Count,
                $"{context}: {address}: expected {want}, got {got}");
        }
    }
}
