namespace Hyperion.Gateway.JsonRpc;

/// <summary>The error codes that JSON-RPC 2.0 reserves (section 5.1 of the specification).</summary>
public static class JsonRpcErrorCodes
{
    /// <summary>The body is not valid JSON.</summary>
    public const int ParseError = -32700;

    /// <summary>The JSON is not a valid request object (or batch).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>No method of that name is registered.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>The parameters do not fit the method.</summary>
    public const int InvalidParams = -32602;

    /// <summary>The method failed in a way the caller cannot fix; details stay in the server log.</summary>
    public const int InternalError = -32603;

    /// <summary>The first of the server-defined codes (-32000 to -32099); Ethereum nodes use it for most failures.</summary>
    public const int ServerError = -32000;
}
