namespace Hyperion.Core.Rlp;

/// <summary>Input that is not canonical RLP. The message names the offset and what was wrong.</summary>
public sealed class RlpException : FormatException
{
    public RlpException()
    {
    }

    public RlpException(string message)
        : base(message)
    {
    }

    public RlpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
