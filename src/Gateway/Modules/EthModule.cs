using System.Globalization;
using Hyperion.Core.Chain;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;
using Microsoft.Extensions.Options;

namespace Hyperion.Gateway.Modules;

/// <summary>
/// The <c>eth_</c> namespace, answered from the chain's grains in geth's formats. This file holds the chain's
/// identity; state reads, transactions, blocks, calls and fees each have their own file. The JSON shapes live in
/// <see cref="Eth"/> as pure functions, so they are tested without a cluster.
/// </summary>
public sealed partial class EthModule : IRpcModule
{
    // Computed once: the chain id cannot change while the node runs.
    private readonly string _chainIdQuantity;
    private readonly ChainGrains _chain;
    private readonly ChainConfig _config;
    private readonly TransactionAdmission _admission;

    public EthModule(IServiceProvider services, IOptions<GatewayOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _chain = new ChainGrains(services, options);
        _admission = new TransactionAdmission(() => _chain.Sequencer);
        _chainIdQuantity = "0x" + options.Value.ChainId.ToString("x", CultureInfo.InvariantCulture);

        // The gateway checks transactions under the chain's rules before the sequencer sees them.
        _config = ChainConfig.Default with { ChainId = options.Value.ChainId };
    }

    public void RegisterMethods(RpcMethodTable methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        methods.Add("eth_chainId", ChainId);
        methods.Add("eth_accounts", Accounts);
        methods.Add("eth_syncing", Syncing);
        methods.Add("eth_blockNumber", BlockNumber);
        RegisterStateMethods(methods);
        RegisterTransactionMethods(methods);
        RegisterBlockMethods(methods);
        RegisterCallMethods(methods);
        RegisterFeeMethods(methods);
        RegisterLogMethods(methods);
    }

    /// <summary>EIP-695: the chain id as a hex quantity.</summary>
    private ValueTask<object?> ChainId(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        return ValueTask.FromResult<object?>(_chainIdQuantity);
    }

    /// <summary>The gateway holds no keys: clients sign themselves and send raw transactions.</summary>
    private static ValueTask<object?> Accounts(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        return ValueTask.FromResult<object?>(Array.Empty<string>());
    }

    /// <summary>The grid is the chain's source of truth: it never catches up with anyone.</summary>
    private static ValueTask<object?> Syncing(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        return ValueTask.FromResult<object?>(false);
    }

    private async ValueTask<object?> BlockNumber(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        return RpcHex.Quantity(await _chain.Reader.GetHeadNumberAsync().ConfigureAwait(false));
    }
}
