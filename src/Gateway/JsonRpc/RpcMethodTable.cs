using System.Collections.Frozen;

namespace Hyperion.Gateway.JsonRpc;

/// <summary>Method name to handler, filled by the <see cref="IRpcModule"/>s once at start.</summary>
public sealed class RpcMethodTable
{
    private readonly Dictionary<string, RpcMethodHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="handler"/> under <paramref name="methodName"/> (case-sensitive).</summary>
    public void Add(string methodName, RpcMethodHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(methodName);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(methodName, handler))
        {
            throw new InvalidOperationException($"The RPC method {methodName} is registered twice.");
        }
    }

    internal FrozenDictionary<string, RpcMethodHandler> Freeze() => _handlers.ToFrozenDictionary(StringComparer.Ordinal);
}
