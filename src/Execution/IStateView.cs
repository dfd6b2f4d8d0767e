namespace Hyperion.Execution;

/// <summary>
/// The state a transaction sees: every location as the transactions before it in the block left it, over the
/// pre-state. The transaction's own writes are not in it (the executor keeps those, as the EVM's journal does).
/// </summary>
/// <remarks>
/// <para>
/// Under Block-STM a read can hit a location that a lower transaction is about to rewrite (an ESTIMATE). The
/// transaction cannot go on with a value that is known to be stale, so the view suspends it. Two ways to see
/// that, both allocation-free:
/// </para>
/// <list type="bullet">
/// <item><see cref="TryRead"/> returns false; the executor should return at once (any result: it is thrown away).</item>
/// <item><see cref="Read"/> throws <see cref="TransactionSuspendedException"/> (one instance per worker, reused),
/// for executors such as an interpreter whose state reads cannot fail.</item>
/// </list>
/// <para>
/// Either way the view latches the suspension: every later read fails the same way, and the engine looks at the
/// latch, not at what the executor returned or threw, so an executor that catches the exception, or carries on
/// after a false, still cannot publish a result computed from a stale read.
/// </para>
/// </remarks>
public interface IStateView<TKey, TValue>
    where TKey : notnull
{
    /// <summary>The index in the block of the transaction this view reads for.</summary>
    int TransactionIndex { get; }

    /// <summary>The value of <paramref name="key"/> before this transaction; false when the transaction is suspended.</summary>
    bool TryRead(in TKey key, out TValue value);

    /// <summary>The value of <paramref name="key"/> before this transaction.</summary>
    /// <exception cref="TransactionSuspendedException">The transaction must wait for a lower one; return.</exception>
    TValue Read(in TKey key);
}
