namespace Hyperion.Execution;

/// <summary>A transaction's executor threw on the transaction's final inputs, so the block cannot be executed.</summary>
public sealed class TransactionExecutionException : Exception
{
    public TransactionExecutionException()
    {
    }

    public TransactionExecutionException(string message)
        : base(message)
    {
    }

    public TransactionExecutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TransactionExecutionException(int transactionIndex, Exception innerException)
        : base($"Transaction {transactionIndex} of the block failed: {innerException?.Message}", innerException)
    {
        TransactionIndex = transactionIndex;
    }

    /// <summary>The index in the block of the transaction that failed (the lowest one, when several did).</summary>
    public int TransactionIndex { get; } = -1;
}
