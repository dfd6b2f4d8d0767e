namespace Hyperion.Gateway.Modules.Eth;

/// <summary>The error codes Ethereum nodes use beyond JSON-RPC's reserved ones, as geth sends them.</summary>
internal static class EthErrorCodes
{
    /// <summary>geth's code for any failure of a valid request: a refused transaction, a missing header, …</summary>
    public const int ServerError = -32000;

    /// <summary><c>eth_call</c> or <c>eth_estimateGas</c> reverted with data; the error's data is the revert bytes.</summary>
    public const int ExecutionReverted = 3;
}
