namespace Hyperion.Gateway.JsonRpc;

/// <summary>
/// A group of RPC methods (one namespace such as <c>eth_</c> or <c>net_</c>). Modules are created by
/// dependency injection, so a module that needs the cluster takes <c>IGrainFactory</c> or
/// <c>IClusterClient</c> in its constructor: both exist in a silo and in a standalone gateway.
/// </summary>
public interface IRpcModule
{
    /// <summary>Adds this module's methods to <paramref name="methods"/>.</summary>
    void RegisterMethods(RpcMethodTable methods);
}
