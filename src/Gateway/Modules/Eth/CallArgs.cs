using System.Text.Json;
using Hyperion.Core;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// Reads the call object of <c>eth_call</c> and <c>eth_estimateGas</c> (geth's TransactionArgs): <c>from</c>,
/// <c>to</c>, <c>gas</c>, <c>gasPrice</c> or the EIP-1559 pair, <c>value</c>, and <c>input</c> or its older name
/// <c>data</c>, with geth's refusals of contradictory fields. Fields a call does not need (nonce, accessList, type)
/// are ignored, as geth ignores what it does not use.
/// </summary>
internal static class CallArgs
{
    public static CallRequest Read(JsonElement element, int index, ulong chainId)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RpcArgs.Invalid(index, null, RpcArgs.IsAbsent(element) ? "missing value" : "expected a call object");
        }

        var from = OptionalAddress(element, "from", index);
        var to = OptionalAddress(element, "to", index);
        var gas = Optional(element, "gas", out var gasElement) ? RpcArgs.ReadUInt64(gasElement, index, "gas") : (ulong?)null;
        var gasPrice = OptionalQuantity(element, "gasPrice", index);
        var maxFee = OptionalQuantity(element, "maxFeePerGas", index);
        var maxPriorityFee = OptionalQuantity(element, "maxPriorityFeePerGas", index);
        var value = OptionalQuantity(element, "value", index) ?? UInt256.Zero;

        if (gasPrice is not null && (maxFee is not null || maxPriorityFee is not null))
        {
            throw RpcArgs.Invalid(index, null, "both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) specified");
        }

        if (maxFee is { } cap && maxPriorityFee is { } tip && cap < tip)
        {
            throw RpcArgs.Invalid(
                index, null, $"maxFeePerGas ({cap}) < maxPriorityFeePerGas ({tip})");
        }

        if (Optional(element, "chainId", out var chainIdElement))
        {
            var requested = RpcArgs.ReadUInt256(chainIdElement, index, "chainId");
            if (requested != new UInt256(chainId))
            {
                throw RpcArgs.Invalid(index, null, $"chainId does not match node's (have={requested}, want={chainId})");
            }
        }

        var input = Optional(element, "input", out var inputElement) ? RpcArgs.ReadData(inputElement, index, "input") : null;
        var data = Optional(element, "data", out var dataElement) ? RpcArgs.ReadData(dataElement, index, "data") : null;
        if (input is not null && data is not null && !input.AsSpan().SequenceEqual(data))
        {
            throw RpcArgs.Invalid(
                index, null, "both \"data\" and \"input\" are set and not equal. Please use \"input\" to pass transaction call data");
        }

        return new CallRequest(from, to, gas, gasPrice, maxFee, maxPriorityFee, value, input ?? data ?? []);
    }

    private static bool Optional(JsonElement element, string name, out JsonElement field) =>
        element.TryGetProperty(name, out field) && !RpcArgs.IsAbsent(field);

    private static Address? OptionalAddress(JsonElement element, string name, int index) =>
        Optional(element, name, out var field) ? RpcArgs.ReadAddress(field, index, name) : null;

    private static UInt256? OptionalQuantity(JsonElement element, string name, int index) =>
        Optional(element, name, out var field) ? RpcArgs.ReadUInt256(field, index, name) : null;
}
