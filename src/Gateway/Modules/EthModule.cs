using System.Globalization;
using Hyperion.Gateway.JsonRpc;
using Microsoft.Extensions.Options;

namespace Hyperion.Gateway.Modules;

/// <summary>The <c>eth_</c> namespace. Only the chain identity so far; state methods will call grains.</summary>
public sealed class EthModule(IOptions<GatewayOptions> options) : IRpcModule
{
    // Computed once: the chain id cannot change while the node runs.
    private readonly string _chainIdQuantity = "0x" + options.Value.ChainId.ToString("x", CultureInfo.InvariantCulture);

    public void RegisterMethods(RpcMethodTable methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        methods.Add("eth_chainId", ChainId);
    }

    /// <summary>EIP-695: the chain id as a hex quantity.</summary>
    private ValueTask<object?> ChainId(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        return ValueTask.FromResult<object?>(_chainIdQuantity);
    }
}
