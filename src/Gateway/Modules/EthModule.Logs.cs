using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules;

/// <summary><c>eth_getLogs</c>: the logs of committed blocks that match a filter, in block and log order.</summary>
public sealed partial class EthModule
{
    /// <summary>The widest block range one query may scan (providers cap it too; narrow the range or page through it).</summary>
    public const ulong MaxLogRange = 10_000;

    private void RegisterLogMethods(RpcMethodTable methods) => methods.Add("eth_getLogs", GetLogs);

    private async ValueTask<object?> GetLogs(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 1);
        var filter = LogFilter.Read(parameters[0], 0);
        var head = await _chain.Reader.GetHeadNumberAsync().ConfigureAwait(false);
        ulong first;
        ulong last;
        if (filter.BlockHash is { } blockHash)
        {
            var block = await _chain.Reader.GetBlockByHashAsync(blockHash).ConfigureAwait(false)
                ?? throw new RpcException(EthErrorCodes.ServerError, "unknown block");
            first = last = block.Header.Number;
        }
        else
        {
            first = Resolve(filter.From, head);
            last = Math.Min(Resolve(filter.To, head), head);
            if (first > last)
            {
                return Array.Empty<object>();
            }

            if (last - first + 1 > MaxLogRange)
            {
                throw new RpcException(
                    EthErrorCodes.ServerError,
                    $"query exceeds max block range {MaxLogRange}: blocks {first} to {last}; narrow fromBlock/toBlock");
            }
        }

        var matches = new List<(LogRecord Log, ReceiptRecord Receipt)>();
        for (var number = first; number <= last; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var receipt in await _chain.Reader.GetBlockReceiptsAsync(number).ConfigureAwait(false))
            {
                foreach (var log in receipt.Logs)
                {
                    if (filter.Matches(log))
                    {
                        matches.Add((log, receipt));
                    }
                }
            }
        }

        return RpcJson.Write(matches, static (writer, matches) =>
        {
            writer.WriteStartArray();
            foreach (var (log, receipt) in matches)
            {
                ReceiptJson.WriteLog(writer, log, receipt);
            }

            writer.WriteEndArray();
        });
    }

    private static ulong Resolve(BlockParameter block, ulong head) => block.Kind switch
    {
        BlockParameterKind.Number => block.Number,
        BlockParameterKind.Earliest => 0,
        _ => head,
    };
}
