namespace Hyperion.Gateway.JsonRpc;

/// <summary>
/// Runs one RPC method. The returned value becomes the response's <c>result</c> (serialized with
/// System.Text.Json); throw <see cref="RpcException"/> to answer with a specific error.
/// </summary>
public delegate ValueTask<object?> RpcMethodHandler(RpcParams parameters, CancellationToken cancellationToken);
