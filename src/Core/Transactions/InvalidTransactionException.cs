namespace Hyperion.Core.Transactions;

/// <summary>A transaction that cannot be decoded or is not valid. <see cref="Reason"/> says what kind of
/// problem it is; the message says exactly what and where.</summary>
public sealed class InvalidTransactionException : Exception
{
    public InvalidTransactionException()
        : this(InvalidTransactionReason.MalformedRlp, "Invalid transaction.")
    {
    }

    public InvalidTransactionException(string message)
        : this(InvalidTransactionReason.MalformedRlp, message)
    {
    }

    public InvalidTransactionException(string message, Exception innerException)
        : this(InvalidTransactionReason.MalformedRlp, message, innerException)
    {
    }

    public InvalidTransactionException(InvalidTransactionReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public InvalidTransactionException(InvalidTransactionReason reason, string message, Exception? innerException)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public InvalidTransactionReason Reason { get; }

    /// <summary>The field the problem is in (<c>nonce</c>, <c>to</c>, <c>accessList</c>…), when there is one.</summary>
    public string? Field { get; init; }
}
