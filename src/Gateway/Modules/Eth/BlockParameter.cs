using System.Text.Json;
using Hyperion.Core;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>Which block a request means.</summary>
internal enum BlockParameterKind
{
    Latest,
    Pending,
    Earliest,
    Safe,
    Finalized,
    Number,
    Hash,
}

/// <summary>
/// A block argument: a tag (<c>latest</c>, <c>pending</c>, <c>earliest</c>, <c>safe</c>, <c>finalized</c>), a hex
/// number, or (where geth takes "block number or hash") a 32-byte hash, bare or as
/// <c>{"blockHash": …}</c> / <c>{"blockNumber": …}</c> (EIP-1898).
/// </summary>
internal readonly record struct BlockParameter(BlockParameterKind Kind, ulong Number, Hash256 Hash)
{
    public static BlockParameter Latest => new(BlockParameterKind.Latest, 0, default);

    /// <summary>True for the tags that name the newest committed block on this chain.</summary>
    /// <remarks>
    /// "pending" has no block of its own here (the sequencer seals often; its mempool is not a block), and
    /// "safe"/"finalized" need the L1 bridge, which does not report yet: until it does, every committed block is as
    /// final as this chain knows, as on a single-sequencer dev chain.
    /// </remarks>
    public bool IsHead => Kind is BlockParameterKind.Latest or BlockParameterKind.Pending
        or BlockParameterKind.Safe or BlockParameterKind.Finalized;

    /// <summary>Reads a block number or tag; absent means <c>latest</c>, as most nodes treat a left-out block.</summary>
    public static BlockParameter ReadNumber(JsonElement element, int index)
    {
        if (RpcArgs.IsAbsent(element))
        {
            return Latest;
        }

        var text = RpcArgs.Utf8String(element, index, null);
        if (TryReadTag(text, out var tag))
        {
            return new BlockParameter(tag, 0, default);
        }

        var number = RpcArgs.ReadUInt64(element, index);
        if (number > long.MaxValue)
        {
            throw RpcArgs.Invalid(index, null, "block number larger than int64");
        }

        return new BlockParameter(BlockParameterKind.Number, number, default);
    }

    /// <summary>Reads a block number, tag or hash (EIP-1898); absent means <c>latest</c>.</summary>
    public static BlockParameter ReadNumberOrHash(JsonElement element, int index)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var hasHash = element.TryGetProperty("blockHash", out var hash) && !RpcArgs.IsAbsent(hash);
            var hasNumber = element.TryGetProperty("blockNumber", out var number) && !RpcArgs.IsAbsent(number);
            if (hasHash == hasNumber)
            {
                throw RpcArgs.Invalid(index, null, "give exactly one of blockHash and blockNumber");
            }

            return hasHash
                ? new BlockParameter(BlockParameterKind.Hash, 0, RpcArgs.ReadHash(hash, index, "blockHash"))
                : ReadNumber(number, index);
        }

        if (element.ValueKind == JsonValueKind.String && RpcArgs.Utf8String(element, index, null).Length == 2 + (2 * Hash256.Length))
        {
            return new BlockParameter(BlockParameterKind.Hash, 0, RpcArgs.ReadHash(element, index));
        }

        return ReadNumber(element, index);
    }

    private static bool TryReadTag(ReadOnlySpan<byte> text, out BlockParameterKind kind)
    {
        kind = text switch
        {
            _ when text.SequenceEqual("latest"u8) => BlockParameterKind.Latest,
            _ when text.SequenceEqual("pending"u8) => BlockParameterKind.Pending,
            _ when text.SequenceEqual("earliest"u8) => BlockParameterKind.Earliest,
            _ when text.SequenceEqual("safe"u8) => BlockParameterKind.Safe,
            _ when text.SequenceEqual("finalized"u8) => BlockParameterKind.Finalized,
            _ => BlockParameterKind.Number,
        };
        return kind != BlockParameterKind.Number;
    }
}
