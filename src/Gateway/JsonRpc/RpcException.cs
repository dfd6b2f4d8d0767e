namespace Hyperion.Gateway.JsonRpc;

/// <summary>
/// Thrown by an RPC method to answer with a JSON-RPC error object. Its message is sent to the caller,
/// so it must never carry internal details; any other exception becomes a generic internal error.
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException()
        : this(JsonRpcErrorCodes.InternalError, "Internal error")
    {
    }

    public RpcException(string message)
        : this(JsonRpcErrorCodes.InternalError, message)
    {
    }

    public RpcException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = JsonRpcErrorCodes.InternalError;
    }

    public RpcException(int code, string message, object? errorData = null)
        : base(message)
    {
        Code = code;
        ErrorData = errorData;
    }

    /// <summary>The JSON-RPC error code.</summary>
    public int Code { get; }

    /// <summary>Optional structured detail, sent as the error's <c>data</c> member.</summary>
    public object? ErrorData { get; }

    public static RpcException InvalidParams(string message) => new(JsonRpcErrorCodes.InvalidParams, message);
}
