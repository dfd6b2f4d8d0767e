namespace Hyperion.Execution;

/// <summary>
/// For each transaction of the block, what its last finished execution read, wrote and produced (its output, or
/// the exception it threw). Validation checks the read set; once the block is done, the outputs are the block's.
/// </summary>
/// <remarks>
/// A slot is written by the worker that ran the execution before it reports the execution finished to the
/// scheduler, and read by workers that learned of it through the scheduler (whose status locks order the two).
/// Only one execution of a transaction runs at a time, so a slot has one writer.
/// </remarks>
public sealed class TxnLastInputOutput<TKey, TValue, TOutput>
    where TKey : notnull
{
    private readonly CapturedReads<TKey, TValue>?[] _reads;
    private readonly WriteSet<TKey, TValue>?[] _writes;
    private readonly TOutput[] _outputs;
    private readonly Exception?[] _failures;

    public TxnLastInputOutput(int transactionCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(transactionCount);
        _reads = new CapturedReads<TKey, TValue>?[transactionCount];
        _writes = new WriteSet<TKey, TValue>?[transactionCount];
        _outputs = new TOutput[transactionCount];
        _failures = new Exception?[transactionCount];
    }

    public int TransactionCount => _outputs.Length;

    /// <summary>Records an execution that completed: its reads, its writes and its output.</summary>
    public void RecordSuccess(int transactionIndex, CapturedReads<TKey, TValue> reads, WriteSet<TKey, TValue> writes, TOutput output)
    {
        _outputs[transactionIndex] = output;
        Volatile.Write(ref _failures[transactionIndex], null);
        Volatile.Write(ref _writes[transactionIndex], writes);
        Volatile.Write(ref _reads[transactionIndex], reads);
    }

    /// <summary>
    /// Records an execution that threw. Its reads are kept: if they are still valid when the block is done the
    /// failure is real, and if one changes, validation sends the transaction back to run again.
    /// </summary>
    public void RecordFailure(int transactionIndex, CapturedReads<TKey, TValue> reads, WriteSet<TKey, TValue> emptyWrites, Exception failure)
    {
        _outputs[transactionIndex] = default!;
        Volatile.Write(ref _failures[transactionIndex], failure);
        Volatile.Write(ref _writes[transactionIndex], emptyWrites);
        Volatile.Write(ref _reads[transactionIndex], reads);
    }

    public CapturedReads<TKey, TValue>? ReadSet(int transactionIndex) => Volatile.Read(ref _reads[transactionIndex]);

    public WriteSet<TKey, TValue>? WriteSet(int transactionIndex) => Volatile.Read(ref _writes[transactionIndex]);

    public TOutput Output(int transactionIndex) => _outputs[transactionIndex];

    public Exception? Failure(int transactionIndex) => Volatile.Read(ref _failures[transactionIndex]);
}
