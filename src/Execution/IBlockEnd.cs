namespace Hyperion.Execution;

/// <summary>
/// An executor's own end of a Block-STM block (the EVM's receipts and state changes), run by the engine's workers as
/// the last step of the block itself, before they leave it. Run as a second job submitted once the block was done, it
/// waited for the block to reach its caller and for the workers to be woken again: at 16 workers most of them had gone
/// to sleep by then, and each wake-up on a virtual machine costs a tenth of a millisecond or more.
/// </summary>
/// <typeparam name="TOutput">The transactions' outputs.</typeparam>
internal interface IBlockEnd<TOutput>
{
    /// <summary>
    /// The steps to run, or null for none: called once, by the first worker past the block's last step, when every
    /// output is in and no transaction failed (the final parts are complete too).
    /// </summary>
    /// <param name="outputs">The outputs, in transaction order.</param>
    /// <param name="workers">How many workers will run the steps.</param>
    IBlockEndSteps? StartBlockEnd(TOutput[] outputs, int workers);
}

/// <summary>Steps that any number of the block's workers run together (<see cref="WorkerSteps"/>), each once.</summary>
internal interface IBlockEndSteps
{
    /// <summary>Runs the steps on the calling worker; a failure is kept (<see cref="Failure"/>) so that the others stop waiting, not thrown.</summary>
    void RunSteps();

    /// <summary>The first failure of any worker's steps, or null.</summary>
    Exception? Failure { get; }
}
