using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.Evm.Precompiles;
using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// Under Block-STM an existing account's balance is read only when the transaction uses it
/// (<see cref="IDeferredBalanceReader"/>): a call to a contract that moves no value must not read the contract's balance
/// location, and everything that does use a balance must still read it, and see every value sent before it in the block.
/// </summary>
public sealed class DeferredBalanceTests
{
    private static readonly Address SelfBalanceStore = Address.Parse("0x5e1f000000000000000000000000000000000007");

    /// <summary>Stores its own balance in slot 0.</summary>
    private static readonly byte[] SelfBalanceStoreCode = Assembler.Assemble("SELFBALANCE PUSH 0 SSTORE STOP");

    [Fact]
    public void A_call_that_moves_no_value_reads_the_contracts_fields_and_not_its_balance()
    {
        var workload = Workloads.Erc20(4, 4, seed: 9);
        var reads = ReadsOf(workload, transaction: 1);

        var sender = workload.Block.Transactions[1].RecoverSender();
        Assert.Contains(EvmLocation.Account(Workloads.Token), reads);
        Assert.DoesNotContain(EvmLocation.Balance(Workloads.Token), reads);

        // The sender's balance pays for the gas, so it is read.
        Assert.Contains(EvmLocation.Balance(sender), reads);
    }

    [Fact]
    public void A_contract_that_reads_its_own_balance_reads_the_location()
    {
        var builder = new WorkloadBuilder(accounts: 2, seed: 3);
        builder.Deploy(SelfBalanceStore, SelfBalanceStoreCode, balance: new UInt256(77));
        builder.Add(0, SelfBalanceStore);
        var reads = ReadsOf(builder.Build("self balance"), transaction: 0);

        Assert.Contains(EvmLocation.Balance(SelfBalanceStore), reads);
    }

    /// <summary>
    /// Value sent to contracts among calls that read their balances (SELFBALANCE, BALANCE) and calls that do not: every
    /// engine and thread count gives the sequential block, so a balance read late still sees every value before it.
    /// </summary>
    [Fact]
    public void Balances_read_late_see_every_value_sent_before_them()
    {
        var builder = new WorkloadBuilder(accounts: 48, seed: 17);
        builder.Deploy(SelfBalanceStore, SelfBalanceStoreCode, balance: new UInt256(5));
        builder.Deploy(Workloads.Counter, TestContracts.Counter);
        builder.Deploy(Workloads.BalanceProbe, TestContracts.BalanceProbe);
        for (var i = 0; i < 192; i++)
        {
            var sender = i % 48;
            switch (i % 4)
            {
                case 0:
                    builder.Add(sender, i % 8 == 0 ? SelfBalanceStore : Workloads.Counter, new UInt256((ulong)(1000 + i)));
                    break;
                case 1:
                    builder.Add(sender, SelfBalanceStore);
                    break;
                case 2:
                    builder.Add(sender, Workloads.BalanceProbe, data: TestContracts.Words(Workloads.Counter.ToUInt256()));
                    break;
                default:
                    builder.Add(sender, Workloads.Counter);
                    break;
            }
        }

        var workload = builder.Build("balances read late");
        var expected = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState);
        Assert.All(expected.Receipts, receipt => Assert.True(receipt.Succeeded));
        foreach (var threads in new[] { 1, 2, 4, 8 })
        {
            foreach (var runAhead in new[] { false, true })
            {
                using var parallel = new ParallelBlockExecutor(new BlockStmOptions
                {
                    ThreadCount = threads,
                    SequentialBelowTransactionCount = 0,
                    FallBackOnDependencyChains = false,
                    RunAheadOnTwoThreads = runAhead,
                });
                BlockComparison.AssertSame(expected, parallel.Execute(workload.Block, workload.PreState), $"threads {threads} run-ahead {runAhead}");
            }
        }
    }

    /// <summary>The locations one execution of <paramref name="transaction"/> reads, over the block's pre-state.</summary>
    private static HashSet<EvmLocation> ReadsOf(Workload workload, int transaction)
    {
        var state = new BlockStateOverlay(workload.PreState, workload.Block.BlockHashes);
        using var workers = new EvmWorkers(EvmSpecs.Cancun, StandardPrecompiles.Cancun());
        var executor = new EvmTransactionExecutor(workload.Block, workers, new BlockCodeStore(state));
        var view = new RecordingView(new OverlayPreStateReader(state), transaction);
        var result = executor.Execute(transaction, view);
        Assert.True(result.Output.Succeeded);
        return view.Reads;
    }

    private sealed class RecordingView(IPreStateReader<EvmLocation, EvmValue> preState, int transactionIndex) : IStateView<EvmLocation, EvmValue>
    {
        public HashSet<EvmLocation> Reads { get; } = [];

        public int TransactionIndex => transactionIndex;

        public bool TryRead(in EvmLocation key, out EvmValue value)
        {
            Reads.Add(key);
            value = preState.Read(key);
            return true;
        }

        public EvmValue Read(in EvmLocation key) => TryRead(key, out var value) ? value : throw new TransactionSuspendedException();
    }
}
