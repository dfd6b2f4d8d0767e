using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.Execution.Evm;
using Xunit.Abstractions;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// Block-STM over the EVM against the sequential reference, on generated blocks: the same receipts, the same roots,
/// the same state, at 1, 2, 4 and 8 threads, over several seeds.
/// </summary>
public sealed class EvmDifferentialTests
{
    private readonly ITestOutputHelper _output;

    public EvmDifferentialTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public static TheoryData<string, int, int> Workloads => new()
    {
        { "transfers", 200, 50 },
        { "erc20", 200, 50 },
        { "amm-one-pool", 100, 40 },
        { "amm-many-pools", 200, 60 },
        { "chain", 100, 10 },
        { "mixed", 150, 12 },
        { "mixed", 150, 4 },
    };

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Parallel_execution_gives_the_sequential_block(string workload, int transactions, int accounts)
    {
        var sequential = new SequentialBlockExecutor();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var generated = Tests.Evm.Workloads.Create(workload, transactions, accounts, seed);
            var expected = sequential.Execute(generated.Block, generated.PreState);
            Assert.All(expected.Receipts, receipt => Assert.True(receipt.GasUsed > 0));
            foreach (var threads in new[] { 1, 2, 4, 8 })
            {
                // No fallback: every block, chains and plain transfers included, goes all the way through Block-STM.
                using var parallel = new ParallelBlockExecutor(new BlockStmOptions
                {
                    ThreadCount = threads,
                    SequentialBelowTransactionCount = 0,
                    FallBackOnDependencyChains = false,
                    PlainTransferPath = false,
                    RunAheadOnTwoThreads = false,
                    SequentialOnOneThread = false,
                });
                var actual = parallel.Execute(generated.Block, generated.PreState);
                Assert.Equal(BlockExecutionMode.Parallel, actual.Stats!.Mode);
                BlockComparison.AssertSame(expected, actual, $"{workload} seed {seed} threads {threads}");
                _output.WriteLine($"{workload} seed {seed} threads {threads}: {actual.Stats}");
            }
        }
    }

    /// <summary>
    /// The two-thread path (a committer in order, a runner ahead of it) on the same blocks: the same result whether the
    /// runner starts right behind the committer (most of its results checked against commits made meanwhile, many
    /// rejected) or further on. Over all the blocks, runner results were both taken and rejected, so both ways through
    /// the check were exercised.
    /// </summary>
    [Fact]
    public void Run_ahead_gives_the_sequential_block()
    {
        var sequential = new SequentialBlockExecutor();
        long taken = 0, rejected = 0;
        foreach (var (workload, transactions, accounts) in Workloads.Select(static row => ((string)row[0], (int)row[1], (int)row[2])))
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                var generated = Tests.Evm.Workloads.Create(workload, transactions, accounts, seed);
                var expected = sequential.Execute(generated.Block, generated.PreState);
                foreach (var distance in new[] { 1, 4, 16 })
                {
                    var stats = AssertRunAheadGives(expected, generated, distance, $"{workload} seed {seed} distance {distance}");
                    taken += stats.Validations - stats.ValidationAborts;
                    rejected += stats.ValidationAborts;
                }
            }
        }

        Assert.True(taken > 0, "No runner result was taken.");
        Assert.True(rejected > 0, "No runner result was rejected.");
    }

    /// <summary>
    /// A distance past any block (the benchmark's way to measure the committer alone): the runner never runs, the
    /// committer executes every transaction, and widening the distance does not overflow.
    /// </summary>
    [Theory]
    [InlineData(20_000)]
    [InlineData(int.MaxValue)]
    public void A_distance_past_the_block_leaves_every_transaction_to_the_committer(int distance)
    {
        var workload = Tests.Evm.Workloads.Create("erc20", 200, 100, seed: 1);
        var expected = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState);
        using var parallel = RunAheadExecutor(distance);
        var actual = parallel.Execute(workload.Block, workload.PreState);
        BlockComparison.AssertSame(expected, actual, $"distance {distance}");
        Assert.Equal(BlockExecutionMode.RunAhead, actual.Stats!.Mode);
        Assert.Equal(0, actual.Stats.Validations);
        Assert.Equal(200, actual.Stats.Executions);
    }

    /// <summary>
    /// One executor, block after block of different sizes and kinds: the run-ahead path keeps its tables, stamps and
    /// slots from one to the next, and none of the last block's shows through.
    /// </summary>
    [Fact]
    public void Run_ahead_blocks_after_blocks_see_nothing_of_the_last()
    {
        using var parallel = RunAheadExecutor(distance: 2);
        var sequential = new SequentialBlockExecutor();
        foreach (var (workload, transactions, accounts, seed) in new[]
        {
            ("erc20", 400, 40, 31), ("amm-many-pools", 60, 20, 32), ("erc20", 300, 40, 31), ("mixed", 150, 12, 33), ("erc20", 40, 8, 34),
        })
        {
            var generated = Tests.Evm.Workloads.Create(workload, transactions, accounts, seed);
            var actual = parallel.Execute(generated.Block, generated.PreState);
            Assert.Equal(BlockExecutionMode.RunAhead, actual.Stats!.Mode);
            BlockComparison.AssertSame(sequential.Execute(generated.Block, generated.PreState), actual, $"{workload} {transactions} seed {seed}");
        }
    }

    /// <summary>
    /// A contract deployed in the block (by the committer: the runner leaves creations to it) and called by many later
    /// transactions: the runner finds its code among what the committer published, or every call it ran would have
    /// run no code at all.
    /// </summary>
    [Fact]
    public void Calls_to_a_contract_deployed_in_the_block_run_its_code()
    {
        // slot[caller] += 1
        var runtime = Assembler.Assemble("CALLER SLOAD PUSH 1 ADD CALLER SSTORE STOP");
        byte[] init = [0x60, (byte)runtime.Length, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, (byte)runtime.Length, 0x60, 0x00, 0xf3, .. runtime];
        const int Senders = 120;
        var builder = new WorkloadBuilder(accounts: Senders, seed: 24);
        var deployer = 0;
        var contract = ContractAddress.From(builder.AddressOf(deployer), builder.NextNonce(builder.AddressOf(deployer)));
        for (var sender = 0; sender < Senders; sender++)
        {
            if (sender == deployer)
            {
                builder.Add(sender, to: null, data: init, gas: 200_000);
            }
            else if (sender < 24)
            {
                builder.Add(sender, Address.Parse($"0x{0xfee0_0000 + sender:x40}"), UInt256.One);
            }
            else
            {
                builder.Add(sender, contract, gas: 100_000);
            }
        }

        var workload = builder.Build("deploy, then call");
        var expected = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState);
        Assert.True(expected.PostState.TryGetAccount(contract, out SnapshotAccount deployed));
        Assert.Equal(Senders - 24, deployed.Storage.Count);
        foreach (var distance in new[] { 2, 8, 16 })
        {
            AssertRunAheadGives(expected, workload, distance, $"distance {distance}");
        }
    }

    /// <summary>
    /// Transactions that read the coinbase's balance, which the committer credits after every transaction and never
    /// publishes: each must see every tip before it, so the runner leaves them to the committer (a result taken from the
    /// runner would store a stale balance).
    /// </summary>
    [Fact]
    public void Transactions_reading_the_coinbase_see_every_tip_before_them()
    {
        var probe = Address.Parse("0x00000000000000000000000000000000c0b0c0b0");
        var builder = new WorkloadBuilder(accounts: 96, seed: 21);
        builder.Deploy(probe, TestContracts.CoinbaseProbe);
        for (var sender = 0; sender < 96; sender++)
        {
            // Every fourth transaction reads the coinbase; the others pay fresh addresses, which nothing else touches, so
            // the runner's results stand and it keeps going (paying the next sender would chain them all).
            var payee = Address.Parse($"0x{0xbeef_0000 + sender:x40}");
            builder.Add(sender, sender % 4 == 0 ? probe : payee, UInt256.One);
        }

        var workload = builder.Build("coinbase readers");
        var expected = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState);
        foreach (var (threads, distance) in new[] { (2, 1), (2, 4), (2, 16), (4, 16) })
        {
            using var parallel = new ParallelBlockExecutor(new BlockStmOptions
            {
                ThreadCount = threads,
                SequentialBelowTransactionCount = 0,
                FallBackOnDependencyChains = false,
                RunAheadDistance = distance,
            });
            var actual = parallel.Execute(workload.Block, workload.PreState);
            BlockComparison.AssertSame(expected, actual, $"threads {threads} distance {distance}");
            _output.WriteLine($"threads {threads} distance {distance}: {actual.Stats}");
        }
    }

    /// <summary>
    /// A runner result rejected for a stale read may have written what its real run does not (a gate opened over a flag
    /// the committer raised meanwhile); a later result that depends on it (the copy of the gate) must never be taken
    /// with what the rejected one wrote. (The runner keeps no writes between transactions, so the copy read the
    /// committed gate, and the commit of the real gate, after the copy started, rejects it. When the runner kept its
    /// writes in an overlay, this caught a result built on the rejected one's writes.)
    /// </summary>
    [Fact]
    public void A_result_built_on_a_rejected_one_is_rejected_too()
    {
        const int Contracts = 40;
        var builder = new WorkloadBuilder(accounts: Contracts * 3, seed: 23);
        var sender = 0;
        for (var contract = 0; contract < Contracts; contract++)
        {
            var address = Address.Parse($"0x{0xf1a9_0000 + contract:x40}");
            builder.Deploy(address, TestContracts.FlagGate);
            foreach (var call in new[] { 0, 1, 2 })
            {
                builder.Add(sender++, address, data: new UInt256((ulong)call).ToBigEndian(), gas: 100_000);
            }
        }

        var workload = builder.Build("flag, gate, copy");
        var expected = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState);
        foreach (var distance in new[] { 1, 2, 3, 4 })
        {
            for (var repeat = 0; repeat < 5; repeat++)
            {
                AssertRunAheadGives(expected, workload, distance, $"distance {distance} repeat {repeat}");
            }
        }
    }

    /// <summary>
    /// One pool for every swap: each runner result reads what the commit before it wrote, so they all fail, and once
    /// most of its results have failed the runner stops for the block (the committer goes on alone) rather than keep
    /// executing every transaction for nothing.
    /// </summary>
    [Fact]
    public void A_runner_whose_results_mostly_fail_stops_for_the_block()
    {
        var generated = Tests.Evm.Workloads.Amm(400, 40, pools: 1, seed: 9);
        var expected = new SequentialBlockExecutor().Execute(generated.Block, generated.PreState);
        var stats = AssertRunAheadGives(expected, generated, distance: 1, "one pool");

        // Judged after 16 results; a few more may be in flight when it stops.
        Assert.InRange(stats.Executions - stats.TransactionCount, 0, 40);
    }

    [Fact]
    public void A_block_mostly_from_one_sender_is_run_in_order_from_the_start()
    {
        var generated = Tests.Evm.Workloads.Chain(100, 4, seed: 6);
        var expected = new SequentialBlockExecutor().Execute(generated.Block, generated.PreState);
        using var parallel = new ParallelBlockExecutor(new BlockStmOptions { ThreadCount = 2 });
        var actual = parallel.Execute(generated.Block, generated.PreState);
        Assert.Equal(BlockExecutionMode.Sequential, actual.Stats!.Mode);
        Assert.Equal(0, actual.Stats.ReExecutions);
        BlockComparison.AssertSame(expected, actual, "one sender");
    }

    /// <summary>
    /// The one-sender check counts exactly: a sender of half the block (here every second transaction, which a plain
    /// majority vote over the whole block can miss) makes it a chain; one transaction fewer does not.
    /// </summary>
    [Theory]
    [InlineData(32, BlockExecutionMode.Sequential)]
    [InlineData(31, BlockExecutionMode.ParallelTransfers)]
    public void A_sender_of_half_the_block_makes_it_a_chain(int fromOne, BlockExecutionMode mode)
    {
        const int transactions = 64;
        var builder = new WorkloadBuilder(accounts: transactions, seed: 11);
        var other = 1;
        for (var i = 0; i < transactions; i++)
        {
            // The busy sender takes the odd positions (the last one included), the others one each.
            var busy = i % 2 == 1 && (i / 2) < fromOne;
            var sender = busy ? 0 : other++;
            builder.Add(sender, builder.AddressOf((sender + 7) % transactions), new UInt256(1_000), gas: 21_000);
        }

        var workload = builder.Build("half from one");
        var expected = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState);
        using var parallel = new ParallelBlockExecutor(new BlockStmOptions { ThreadCount = 2 });
        var actual = parallel.Execute(workload.Block, workload.PreState);
        Assert.Equal(mode, actual.Stats!.Mode);
        BlockComparison.AssertSame(expected, actual, $"{fromOne} of {transactions} from one sender");
    }

    [Fact]
    public void A_block_abandoned_as_a_dependency_chain_is_run_by_the_sequential_executor()
    {
        // One pool, many senders: no sender dominates, so it is the engine that finds the chain.
        var generated = Tests.Evm.Workloads.Amm(80, 20, pools: 1, seed: 5);
        var expected = new SequentialBlockExecutor().Execute(generated.Block, generated.PreState);
        using var parallel = new ParallelBlockExecutor(new BlockStmOptions
        {
            ThreadCount = 2,
            RunAheadOnTwoThreads = false,
            SequentialBelowTransactionCount = 0,
            DependencyChainSampleSize = 1,
            DependencyChainReExecutionRatio = 0.01,

            // A failed validation forces a re-execution, which the watch then takes for a chain.
            InjectValidationFailure = (transaction, incarnation) => incarnation == 0,
        });
        var actual = parallel.Execute(generated.Block, generated.PreState);
        Assert.Equal(BlockExecutionMode.ParallelThenSequential, actual.Stats!.Mode);
        Assert.True(actual.Stats.ReExecutions > 0);
        BlockComparison.AssertSame(expected, actual, "abandoned chain");
    }

    /// <summary>
    /// Runs <paramref name="workload"/> through the committer and the runner (<see cref="RunAheadExecutor"/>) and checks
    /// it gives <paramref name="expected"/>, the sequential executor's block; returns the run's statistics.
    /// </summary>
    private BlockExecutionStats AssertRunAheadGives(EvmBlockResult expected, Workload workload, int distance, string context)
    {
        using var parallel = RunAheadExecutor(distance);
        var actual = parallel.Execute(workload.Block, workload.PreState);
        Assert.Equal(BlockExecutionMode.RunAhead, actual.Stats!.Mode);
        BlockComparison.AssertSame(expected, actual, context);

        // The runner widens its distance as its results prove rarely stale, never below the configured one nor past eight times it.
        Assert.InRange(actual.Stats.RunAheadDistance ?? -1, distance, distance * 8);
        _output.WriteLine($"{context}: {actual.Stats}");
        return actual.Stats;
    }

    /// <summary>
    /// Two threads, every block through the committer and the runner (no size threshold, no chain fallback, no
    /// plain-transfer path), the runner starting <paramref name="distance"/> past the committer.
    /// </summary>
    private static ParallelBlockExecutor RunAheadExecutor(int distance) => new(new BlockStmOptions
    {
        ThreadCount = 2,
        SequentialBelowTransactionCount = 0,
        FallBackOnDependencyChains = false,
        PlainTransferPath = false,
        RunAheadDistance = distance,
    });
}
