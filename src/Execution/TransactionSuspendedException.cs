namespace Hyperion.Execution;

/// <summary>
/// Thrown by <see cref="IStateView{TKey, TValue}.Read"/> when the transaction read a location that a lower
/// transaction is re-executing: the transaction is suspended until that one finishes. Not an error. The engine
/// keeps one instance per worker thread and throws it again and again, so a suspension allocates nothing.
/// </summary>
public sealed class TransactionSuspendedException : Exception
{
    public TransactionSuspendedException()
        : base("The transaction read a value that a lower transaction is rewriting; it resumes when that one finishes.")
    {
    }

    public TransactionSuspendedException(string message)
        : base(message)
    {
    }

    public TransactionSuspendedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
