using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;

namespace Hyperion.Gateway.Modules;

/// <summary><c>eth_call</c> and <c>eth_estimateGas</c>, run by the block coordinator against the head state.</summary>
public sealed partial class EthModule
{
    private void RegisterCallMethods(RpcMethodTable methods)
    {
        methods.Add("eth_call", Call);
        methods.Add("eth_estimateGas", EstimateGas);
    }

    private async ValueTask<object?> Call(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 4);
        var request = CallArgs.Read(parameters[0], 0, _chain.ChainId);
        var block = BlockParameter.ReadNumberOrHash(parameters[1], 1);
        RefuseOverrides(parameters, 2, "state overrides");
        RefuseOverrides(parameters, 3, "block overrides");
        await EnsureHeadStateAsync(block).ConfigureAwait(false);
        var result = await _chain.Coordinator.CallAsync(request).ConfigureAwait(false);
        return result.Success ? RpcHex.Data(result.ReturnData) : throw CallOutcome.Failure(result);
    }

    private async ValueTask<object?> EstimateGas(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 3);
        var request = CallArgs.Read(parameters[0], 0, _chain.ChainId);
        var block = BlockParameter.ReadNumberOrHash(parameters[1], 1);
        RefuseOverrides(parameters, 2, "state overrides");
        await EnsureHeadStateAsync(block).ConfigureAwait(false);
        var result = await _chain.Coordinator.EstimateGasAsync(request).ConfigureAwait(false);
        return result.Success ? RpcHex.Quantity(result.GasUsed) : throw CallOutcome.Failure(result);
    }

    // Overrides would need a scratch copy of the state in the coordinator; better a clear refusal than ignoring them.
    private static void RefuseOverrides(RpcParams parameters, int index, string what)
    {
        if (!RpcArgs.IsAbsent(parameters[index]))
        {
            throw RpcArgs.Invalid(index, null, $"{what} are not supported");
        }
    }
}
