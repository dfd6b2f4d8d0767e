namespace Hyperion.Execution;

/// <summary>
/// The <see cref="IStateView{TKey, TValue}"/> of one Block-STM worker: reads go through the multi-version memory
/// as of the transaction being executed and are captured in its read set; an ESTIMATE latches a suspension.
/// One per worker thread, reset for each execution, so that the reused exception is never thrown on two threads.
/// </summary>
internal sealed class ExecutionView<TKey, TValue> : IStateView<TKey, TValue>
    where TKey : notnull
{
    private readonly MultiVersionMemory<TKey, TValue> _memory;
    private readonly TransactionSuspendedException _suspension = new();
    private readonly CapturedReads<TKey, TValue> _reads = new();

    public ExecutionView(MultiVersionMemory<TKey, TValue> memory)
    {
        _memory = memory;
    }

    public int TransactionIndex { get; private set; }

    /// <summary>The lower transaction whose ESTIMATE stopped this execution, or -1.</summary>
    public int BlockingTransaction { get; private set; } = -1;

    public bool IsSuspended => BlockingTransaction >= 0;

    /// <summary>
    /// What validation needs of the reads of the execution that just ended: the view's own set is reused by the next
    /// execution, while this stays with the transaction's record until the block is done.
    /// </summary>
    public KeptReads<TKey, TValue> TakeReads() => KeptReads<TKey, TValue>.From(_reads);

    /// <summary>Starts an execution of <paramref name="transactionIndex"/> with an empty read set.</summary>
    public void Begin(int transactionIndex)
    {
        TransactionIndex = transactionIndex;
        BlockingTransaction = -1;
        _reads.Clear();
    }

    public bool TryRead(in TKey key, out TValue value)
    {
        if (IsSuspended)
        {
            value = default!;
            return false;
        }

        // A location read before answers the same (a fault is read again, to throw again; the capture keeps the first).
        // One hash of the key for the read set's search, the location table's and the capture.
        var hash = SmallMap<TKey, CapturedRead<TValue>>.HashOf(key);
        var seen = _reads.TryGet(key, hash, out var earlier);
        if (seen && earlier.Kind != CapturedReadKind.Faulted)
        {
            value = earlier.Value;
            return true;
        }

        var location = _memory.Locate(key, hash);
        VersionedReadKind kind;
        TransactionVersion version;
        value = default!;
        try
        {
            kind = _memory.ReadLocatedInto(location, TransactionIndex, ref value, out version);
        }
        catch
        {
            // A delta or the pre-state threw: the transaction fails with it, and validation checks that it still would.
            if (!seen)
            {
                _reads.CaptureNew(key, CapturedRead<TValue>.Fault, location);
            }

            throw;
        }

        if (kind == VersionedReadKind.Dependency)
        {
            BlockingTransaction = version.TransactionIndex;
            return false;
        }

        // Only a location not read before is captured: a fault seen first stays the capture (the first read is kept).
        if (!seen)
        {
            _reads.CaptureRead(key, hash, CapturedRead<TValue>.KindOf(kind), version, value, location);
        }

        return true;
    }

    public TValue Read(in TKey key) => TryRead(key, out var value) ? value : throw _suspension;
}
