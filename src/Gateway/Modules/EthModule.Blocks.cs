using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules;

/// <summary>Committed blocks, their transaction counts and their receipts, from the chain reader.</summary>
public sealed partial class EthModule
{
    private void RegisterBlockMethods(RpcMethodTable methods)
    {
        methods.Add("eth_getBlockByNumber", GetBlockByNumber);
        methods.Add("eth_getBlockByHash", GetBlockByHash);
        methods.Add("eth_getBlockTransactionCountByNumber", GetBlockTransactionCountByNumber);
        methods.Add("eth_getBlockTransactionCountByHash", GetBlockTransactionCountByHash);
        methods.Add("eth_getBlockReceipts", GetBlockReceipts);
    }

    private async ValueTask<object?> GetBlockByNumber(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 2);
        var block = BlockParameter.ReadNumber(parameters[0], 0);
        var full = RpcArgs.ReadBool(parameters[1], 1, absent: false);
        return WriteBlock(await FindBlockAsync(block).ConfigureAwait(false), full);
    }

    private async ValueTask<object?> GetBlockByHash(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 2);
        var hash = RpcArgs.ReadHash(parameters[0], 0);
        var full = RpcArgs.ReadBool(parameters[1], 1, absent: false);
        return WriteBlock(await _chain.Reader.GetBlockByHashAsync(hash).ConfigureAwait(false), full);
    }

    private async ValueTask<object?> GetBlockTransactionCountByNumber(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 1);
        var block = BlockParameter.ReadNumber(parameters[0], 0);
        return TransactionCount(await FindBlockAsync(block).ConfigureAwait(false));
    }

    private async ValueTask<object?> GetBlockTransactionCountByHash(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 1);
        var hash = RpcArgs.ReadHash(parameters[0], 0);
        return TransactionCount(await _chain.Reader.GetBlockByHashAsync(hash).ConfigureAwait(false));
    }

    /// <summary>Every receipt of a block in order (null for an unknown block), as geth's <c>eth_getBlockReceipts</c>.</summary>
    private async ValueTask<object?> GetBlockReceipts(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 1);
        var block = BlockParameter.ReadNumberOrHash(parameters[0], 0);
        ulong number;
        if (block.Kind == BlockParameterKind.Hash)
        {
            var record = await _chain.Reader.GetBlockByHashAsync(block.Hash).ConfigureAwait(false);
            if (record is null)
            {
                return null;
            }

            number = record.Header.Number;
        }
        else
        {
            var head = await _chain.Reader.GetHeadNumberAsync().ConfigureAwait(false);
            number = block.Kind == BlockParameterKind.Number ? block.Number : block.IsHead ? head : 0;
            if (number > head)
            {
                return null;
            }
        }

        var receipts = await _chain.Reader.GetBlockReceiptsAsync(number).ConfigureAwait(false);
        return RpcJson.Write(receipts, static (writer, receipts) =>
        {
            writer.WriteStartArray();
            foreach (var receipt in receipts)
            {
                ReceiptJson.Write(writer, receipt);
            }

            writer.WriteEndArray();
        });
    }

    /// <summary>The block a number or tag names, or null when there is none yet.</summary>
    private async ValueTask<BlockRecord?> FindBlockAsync(BlockParameter block)
    {
        var number = block.Kind switch
        {
            BlockParameterKind.Number => block.Number,
            BlockParameterKind.Earliest => 0UL,
            _ => await _chain.Reader.GetHeadNumberAsync().ConfigureAwait(false),
        };
        return await _chain.Reader.GetBlockByNumberAsync(number).ConfigureAwait(false);
    }

    private static RpcJson? WriteBlock(BlockRecord? block, bool full) =>
        block is null
            ? null
            : RpcJson.Write((Block: block, Full: full), static (writer, state) => BlockJson.Write(writer, state.Block, state.Full));

    private static string? TransactionCount(BlockRecord? block) =>
        block is null ? null : RpcHex.Quantity((ulong)block.Transactions.Length);
}
