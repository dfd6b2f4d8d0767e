using System.Text.Json;
using Hyperion.Core;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// The filter object of <c>eth_getLogs</c>, read as geth reads it: a block range (<c>fromBlock</c>/<c>toBlock</c>,
/// default latest) or one <c>blockHash</c>; <c>address</c> as one address or a list (any of them); <c>topics</c> as up
/// to four positions, each null (anything), a topic, or a list of topics (any of them).
/// </summary>
internal sealed class LogFilter
{
    public const int MaxTopicPositions = 4;

    private LogFilter(BlockParameter from, BlockParameter to, Hash256? blockHash, Address[] addresses, Hash256[]?[] topics)
    {
        From = from;
        To = to;
        BlockHash = blockHash;
        Addresses = addresses;
        Topics = topics;
    }

    public BlockParameter From { get; }

    public BlockParameter To { get; }

    public Hash256? BlockHash { get; }

    /// <summary>Empty: any address.</summary>
    public Address[] Addresses { get; }

    /// <summary>Per position: null for anything, else the topics that match there.</summary>
    public Hash256[]?[] Topics { get; }

    public static LogFilter Read(JsonElement element, int index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RpcArgs.Invalid(index, null, "expected a filter object");
        }

        Hash256? blockHash = element.TryGetProperty("blockHash", out var hashElement) && !RpcArgs.IsAbsent(hashElement)
            ? RpcArgs.ReadHash(hashElement, index, "blockHash")
            : null;
        var hasRange = element.TryGetProperty("fromBlock", out var fromElement) | element.TryGetProperty("toBlock", out var toElement);
        if (blockHash is not null && hasRange && !(RpcArgs.IsAbsent(fromElement) && RpcArgs.IsAbsent(toElement)))
        {
            throw RpcException.InvalidParams("cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other");
        }

        var from = BlockParameter.ReadNumber(fromElement, index);
        var to = BlockParameter.ReadNumber(toElement, index);

        Address[] addresses = [];
        if (element.TryGetProperty("address", out var addressElement) && !RpcArgs.IsAbsent(addressElement))
        {
            addresses = addressElement.ValueKind == JsonValueKind.Array
                ? [.. addressElement.EnumerateArray().Select(item => RpcArgs.ReadAddress(item, index, "address"))]
                : [RpcArgs.ReadAddress(addressElement, index, "address")];
        }

        Hash256[]?[] topics = [];
        if (element.TryGetProperty("topics", out var topicsElement) && !RpcArgs.IsAbsent(topicsElement))
        {
            if (topicsElement.ValueKind != JsonValueKind.Array)
            {
                throw RpcArgs.Invalid(index, "topics", "expected an array");
            }

            if (topicsElement.GetArrayLength() > MaxTopicPositions)
            {
                throw RpcException.InvalidParams("invalid argument 0: topics: too many topic positions (at most 4)");
            }

            topics = [.. topicsElement.EnumerateArray().Select(position => ReadPosition(position, index))];
        }

        return new LogFilter(from, to, blockHash, addresses, topics);
    }

    public bool Matches(LogRecord log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (Addresses.Length > 0 && Array.IndexOf(Addresses, log.Address) < 0)
        {
            return false;
        }

        if (Topics.Length > log.Topics.Length)
        {
            return false;
        }

        for (var i = 0; i < Topics.Length; i++)
        {
            if (Topics[i] is { } wanted && Array.IndexOf(wanted, log.Topics[i]) < 0)
            {
                return false;
            }
        }

        return true;
    }

    private static Hash256[]? ReadPosition(JsonElement position, int index) => position.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Array when position.GetArrayLength() == 0 => null,
        JsonValueKind.Array => [.. position.EnumerateArray().Select(topic => RpcArgs.ReadHash(topic, index, "topics"))],
        _ => [RpcArgs.ReadHash(position, index, "topics")],
    };
}
