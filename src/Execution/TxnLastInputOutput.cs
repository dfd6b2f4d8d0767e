using System.Runtime.InteropServices;

namespace Hyperion.Execution;

/// <summary>
/// For each transaction of the block, what its last finished execution read, wrote and produced (its output, or
/// the exception it threw). Validation checks the read set; once the block is done, the outputs are the block's.
/// </summary>
/// <remarks>
/// A slot is written by the worker that ran the execution before it reports the execution finished to the
/// scheduler, and read by workers that learned of it through the scheduler (whose status locks order the two).
/// Only one execution of a transaction runs at a time, so a slot has one writer. Workers finish neighbouring
/// transactions at the same moment, so each slot is padded to a cache line of its own.
/// </remarks>
internal sealed class TxnLastInputOutput<TKey, TValue, TOutput>
    where TKey : notnull
{
    private readonly int _transactionCount;
    private Slot[] _slots;

    /// <param name="transactionCount">The block's transactions.</param>
    /// <param name="arrays">Where to take the slots from (and give them back to, <see cref="GiveBackArrays"/>); null to make them.</param>
    public TxnLastInputOutput(int transactionCount, BlockArrayShelf? arrays = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(transactionCount);
        _transactionCount = transactionCount;
        _slots = arrays?.Take<Slot>(transactionCount) ?? new Slot[transactionCount];
    }

    public int TransactionCount => _transactionCount;

    /// <summary>
    /// Gives the slots to <paramref name="arrays"/> for a later block (cleared there: the reads, outputs and failures they
    /// hold are let go). Only once the block's result is out; nothing may read them afterwards.
    /// </summary>
    public void GiveBackArrays(BlockArrayShelf arrays)
    {
        var slots = _slots;
        _slots = [];
        arrays.Give(slots, _transactionCount);
    }

    /// <summary>Records an execution that completed: its reads and its output (its writes are the multi-version memory's).</summary>
    public void RecordSuccess(int transactionIndex, KeptReads<TKey, TValue> reads, TOutput output)
    {
        ref var slot = ref _slots[transactionIndex];
        slot.Output = output;
        Volatile.Write(ref slot.Failure, null);
        Volatile.Write(ref slot.Reads, reads);
    }

    /// <summary>
    /// Records an execution that threw. Its reads are kept: if they are still valid when the block is done the
    /// failure is real, and if one changes, validation sends the transaction back to run again.
    /// </summary>
    public void RecordFailure(int transactionIndex, KeptReads<TKey, TValue> reads, Exception failure)
    {
        ref var slot = ref _slots[transactionIndex];
        slot.Output = default!;
        Volatile.Write(ref slot.Failure, failure);
        Volatile.Write(ref slot.Reads, reads);
    }

    /// <summary>
    /// Notes that the transaction is being executed; true when it had been before (a re-execution). Kept in the
    /// transaction's slot, whose line the execution writes anyway: an array of its own cost a cache line per
    /// transaction (so that neighbouring transactions' workers do not share one), 640 KB for a block of 10,000.
    /// </summary>
    public bool MarkExecuted(int transactionIndex) => Interlocked.Exchange(ref _slots[transactionIndex].Executed, 1) != 0;

    /// <summary>Whether the transaction was ever executed (read once no worker runs).</summary>
    public bool WasExecuted(int transactionIndex) => Volatile.Read(ref _slots[transactionIndex].Executed) != 0;

    public KeptReads<TKey, TValue>? ReadSet(int transactionIndex) => Volatile.Read(ref _slots[transactionIndex].Reads);

    public TOutput Output(int transactionIndex) => _slots[transactionIndex].Output;

    public Exception? Failure(int transactionIndex) => Volatile.Read(ref _slots[transactionIndex].Failure);

    [StructLayout(LayoutKind.Sequential)]
    private struct Slot
    {
        public KeptReads<TKey, TValue>? Reads;
        public Exception? Failure;
        public TOutput Output;
        public int Executed;
#pragma warning disable CS0169, IDE0051 // Padding: the next transaction's slot starts on another cache line.
        private readonly int _padding0;
        private readonly long _padding1, _padding2, _padding3, _padding4;
#pragma warning restore CS0169, IDE0051
    }
}
