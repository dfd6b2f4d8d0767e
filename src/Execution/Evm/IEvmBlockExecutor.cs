namespace Hyperion.Execution.Evm;

/// <summary>Executes an EVM block over a pre-state: the sequential reference, or Block-STM, with the same result.</summary>
public interface IEvmBlockExecutor
{
    /// <summary>
    /// Runs the block's system call, its transactions in order and its withdrawals over <paramref name="preState"/>.
    /// Throws <see cref="InvalidBlockException"/> when a transaction cannot be included or the block's gas or blob
    /// gas runs out; nothing is applied then.
    /// </summary>
    EvmBlockResult Execute(EvmBlock block, StateSnapshot preState);
}
