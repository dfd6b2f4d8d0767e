using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>The block breaks a rule and cannot be part of the chain; nothing of it is applied.</summary>
public sealed class InvalidBlockException : Exception
{
    public InvalidBlockException()
    {
    }

    public InvalidBlockException(string message)
        : base(message)
    {
    }

    public InvalidBlockException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InvalidBlockException(BlockRejectionReason reason, string message, int transactionIndex = -1, TransactionRejection? transactionRejection = null, Exception? innerException = null)
        : base(transactionIndex >= 0 ? $"{reason} (transaction {transactionIndex}): {message}" : $"{reason}: {message}", innerException)
    {
        Reason = reason;
        TransactionIndex = transactionIndex;
        TransactionRejection = transactionRejection;
    }

    public BlockRejectionReason Reason { get; }

    /// <summary>The transaction at fault, or -1 when the block as a whole is.</summary>
    public int TransactionIndex { get; } = -1;

    /// <summary>For <see cref="BlockRejectionReason.InvalidTransaction"/>: why the transaction cannot be included.</summary>
    public TransactionRejection? TransactionRejection { get; }
}
