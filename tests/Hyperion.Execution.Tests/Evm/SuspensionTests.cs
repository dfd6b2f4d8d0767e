using Hyperion.Evm;
using Hyperion.Evm.Precompiles;
using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// A read that the engine suspends must stop the EVM where it is: the view's exception has to come out of the
/// transaction executor (the processor and interpreter catch nothing on the read path), and the worker's next
/// execution must start clean.
/// </summary>
public sealed class SuspensionTests
{
    [Fact]
    public void A_suspended_read_stops_the_transaction_and_the_next_execution_starts_clean()
    {
        var workload = Workloads.Erc20(4, 4, seed: 9);
        var state = new BlockStateOverlay(workload.PreState, workload.Block.BlockHashes);
        using var workers = new EvmWorkers(EvmSpecs.Cancun, StandardPrecompiles.Cancun());
        var executor = new EvmTransactionExecutor(workload.Block, workers, new BlockCodeStore(state));
        var preState = new OverlayPreStateReader(state);

        // The token's storage is what a lower transaction is "rewriting".
        var suspending = new View(preState, location => location.Kind == EvmLocationKind.Storage);
        Assert.Throws<TransactionSuspendedException>(() => executor.Execute(1, suspending));
        Assert.True(suspending.Suspended);

        // The same thread's EVM, right after, runs the transaction to the end as if nothing had happened.
        var result = executor.Execute(1, new View(preState, _ => false));
        Assert.True(result.Output.Succeeded);
        Assert.Single(result.Output.Logs);
        Assert.True(result.Writes.Count >= 4);
    }

    /// <summary>A view over the pre-state that suspends on the locations <paramref name="suspendOn"/> picks.</summary>
    private sealed class View(IPreStateReader<EvmLocation, EvmValue> preState, Func<EvmLocation, bool> suspendOn) : IStateView<EvmLocation, EvmValue>
    {
        public bool Suspended { get; private set; }

        public int TransactionIndex => 1;

        public bool TryRead(in EvmLocation key, out EvmValue value)
        {
            if (Suspended || suspendOn(key))
            {
                Suspended = true;
                value = default;
                return false;
            }

            value = preState.Read(key);
            return true;
        }

        public EvmValue Read(in EvmLocation key) => TryRead(key, out var value) ? value : throw new TransactionSuspendedException();
    }
}
