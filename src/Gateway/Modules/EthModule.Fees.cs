using System.Buffers.Text;
using System.Text.Json;
using Hyperion.Core;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;

namespace Hyperion.Gateway.Modules;

/// <summary>Fee suggestions and history.</summary>
public sealed partial class EthModule
{
    /// <summary>geth's cap on the blocks one <c>eth_feeHistory</c> covers; a larger count is cut, not refused.</summary>
    private const ulong MaxFeeHistoryBlocks = 1024;

    /// <summary>geth's cap on reward percentiles in one request.</summary>
    private const int MaxRewardPercentiles = 100;

    private static readonly double[] TipPercentiles = [TipSuggestion.Percentile];

    // The last suggestion and the head it was made at: every wallet asks before every send, and the answer only
    // changes with a new block.
    private volatile CachedTip? _cachedTip;

    private void RegisterFeeMethods(RpcMethodTable methods)
    {
        methods.Add("eth_gasPrice", GasPrice);
        methods.Add("eth_maxPriorityFeePerGas", MaxPriorityFeePerGas);
        methods.Add("eth_feeHistory", FeeHistory);
    }

    /// <summary>As geth: the head's base fee plus the suggested tip, a price that gets a legacy transaction in.</summary>
    private async ValueTask<object?> GasPrice(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        var head = await _chain.Coordinator.GetHeadAsync().ConfigureAwait(false);
        var tip = await SuggestTipAsync(head.Number).ConfigureAwait(false);
        return RpcHex.Quantity(head.BaseFee + tip);
    }

    private async ValueTask<object?> MaxPriorityFeePerGas(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        var head = await _chain.Reader.GetHeadNumberAsync().ConfigureAwait(false);
        return RpcHex.Quantity(await SuggestTipAsync(head).ConfigureAwait(false));
    }

    private async ValueTask<object?> FeeHistory(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(2, 3);
        var blockCount = ReadBlockCount(parameters[0]);
        var newest = BlockParameter.ReadNumber(parameters[1], 1);
        var percentiles = ReadPercentiles(parameters[2]);
        if (blockCount == 0)
        {
            return RpcJson.Write(FeeHistoryJson.Empty, FeeHistoryJson.Write);
        }

        var head = await _chain.Reader.GetHeadNumberAsync().ConfigureAwait(false);
        var newestNumber = newest.Kind switch
        {
            BlockParameterKind.Number => newest.Number,
            BlockParameterKind.Earliest => 0UL,
            _ => head,
        };
        if (newestNumber > head)
        {
            throw new RpcException(
                EthErrorCodes.ServerError, $"request beyond head block: requested {newestNumber}, head {head}");
        }

        var count = Math.Min(Math.Min(blockCount, MaxFeeHistoryBlocks), newestNumber + 1);
        var history = await _chain.Reader.GetFeeHistoryAsync((int)count, newestNumber, percentiles).ConfigureAwait(false);
        return RpcJson.Write(history, FeeHistoryJson.Write);
    }

    private async ValueTask<UInt256> SuggestTipAsync(ulong head)
    {
        if (_cachedTip is { } cached && cached.Head == head)
        {
            return cached.Tip;
        }

        var history = await _chain.Reader.GetFeeHistoryAsync(
            (int)Math.Min((ulong)TipSuggestion.Blocks, head + 1), head, TipPercentiles).ConfigureAwait(false);
        var tip = TipSuggestion.FromHistory(history);
        _cachedTip = new CachedTip(head, tip);
        return tip;
    }

    /// <summary>
    /// The block count as geth reads it: a JSON number, or a string in hex (<c>0x</c>) or decimal, as clients send
    /// all three.
    /// </summary>
    internal static ulong ReadBlockCount(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            return element.TryGetUInt64(out var number)
                ? number
                : throw RpcArgs.Invalid(0, null, "block count must be a non-negative integer");
        }

        var text = RpcArgs.Utf8String(element, 0, null);
        var hex = text.Length > 2 && text[0] == '0' && (text[1] | 0x20) == 'x';
        var digits = hex ? text[2..] : text;
        return Utf8Parser.TryParse(digits, out ulong value, out var consumed, hex ? 'X' : default) && consumed == digits.Length
            ? value
            : throw RpcArgs.Invalid(0, null, "block count must be a number, in hex (0x…) or decimal");
    }

    /// <summary>Reward percentiles: numbers from 0 to 100, each at least the one before (geth's rules).</summary>
    internal static double[] ReadPercentiles(JsonElement element)
    {
        if (RpcArgs.IsAbsent(element))
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw RpcArgs.Invalid(2, null, "expected an array of reward percentiles");
        }

        var count = element.GetArrayLength();
        if (count > MaxRewardPercentiles)
        {
            throw RpcArgs.Invalid(2, null, $"{count} reward percentiles are over the limit of {MaxRewardPercentiles}");
        }

        var percentiles = new double[count];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetDouble(out var percentile) || percentile < 0 || percentile > 100)
            {
                throw RpcArgs.Invalid(2, null, $"invalid reward percentile #{i}: {item.GetRawText()} is not a number from 0 to 100");
            }

            if (i > 0 && percentile < percentiles[i - 1])
            {
                throw RpcArgs.Invalid(
                    2, null, $"invalid reward percentile #{i}: {item.GetRawText()} is below #{i - 1} ({percentiles[i - 1]}); list them in increasing order");
            }

            percentiles[i++] = percentile;
        }

        return percentiles;
    }

    private sealed record CachedTip(ulong Head, UInt256 Tip);
}
