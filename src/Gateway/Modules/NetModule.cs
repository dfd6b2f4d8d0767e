using System.Globalization;
using Hyperion.Gateway.JsonRpc;
using Microsoft.Extensions.Options;

namespace Hyperion.Gateway.Modules;

/// <summary>The <c>net_</c> namespace.</summary>
public sealed class NetModule(IOptions<GatewayOptions> options) : IRpcModule
{
    // net_version is the network id as a decimal string; on rollups it equals the chain id.
    private readonly string _networkId = options.Value.ChainId.ToString(CultureInfo.InvariantCulture);

    public void RegisterMethods(RpcMethodTable methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        methods.Add("net_version", Version);
        methods.Add("net_listening", Listening);
    }

    private ValueTask<object?> Version(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        return ValueTask.FromResult<object?>(_networkId);
    }

    private static ValueTask<object?> Listening(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        return ValueTask.FromResult<object?>(true);
    }
}
