using Hyperion.Core.Transactions;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules;

/// <summary>Sending a signed transaction, and reading transactions and receipts back.</summary>
public sealed partial class EthModule
{
    private void RegisterTransactionMethods(RpcMethodTable methods)
    {
        methods.Add("eth_sendRawTransaction", SendRawTransaction);
        methods.Add("eth_getTransactionByHash", GetTransactionByHash);
        methods.Add("eth_getTransactionReceipt", GetTransactionReceipt);
        methods.Add("eth_getTransactionByBlockNumberAndIndex", GetTransactionByBlockNumberAndIndex);
        methods.Add("eth_getTransactionByBlockHashAndIndex", GetTransactionByBlockHashAndIndex);
    }

    /// <summary>Checks the transaction here (see <see cref="RawTransactionCheck"/>), then hands it to the sequencer.</summary>
    private async ValueTask<object?> SendRawTransaction(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 1);
        var raw = RpcArgs.ReadData(parameters[0], 0);
        var (transaction, sender) = RawTransactionCheck.Check(raw, _config);
        var result = await _admission.SubmitAsync(raw, sender).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            throw new RpcException(EthErrorCodes.ServerError, error);
        }

        return RpcHex.Data(transaction.Hash.Bytes);
    }

    /// <summary>A committed transaction from the block log, else a pending one from the sequencer, else null.</summary>
    private async ValueTask<object?> GetTransactionByHash(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 1);
        var hash = RpcArgs.ReadHash(parameters[0], 0);
        var committed = await _chain.Reader.GetTransactionAsync(hash).ConfigureAwait(false);
        if (committed is not null)
        {
            var transaction = Transaction.Decode(committed.Raw);
            var inclusion = new TransactionInclusion(committed.BlockHash, committed.BlockNumber, committed.Index, committed.BaseFee);
            return RpcJson.Write(
                (Transaction: transaction, Sender: committed.Sender, Inclusion: inclusion),
                static (writer, state) => TransactionJson.Write(writer, state.Transaction, state.Sender, state.Inclusion));
        }

        var pending = await _chain.Sequencer.GetPendingTransactionAsync(hash).ConfigureAwait(false);
        if (pending is null)
        {
            return null;
        }

        var pendingTransaction = DecodePending(pending.Raw);
        return RpcJson.Write(
            (Transaction: pendingTransaction, pending.Sender),
            static (writer, state) => TransactionJson.Write(writer, state.Transaction, state.Sender, null));
    }

    private async ValueTask<object?> GetTransactionReceipt(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 1);
        var hash = RpcArgs.ReadHash(parameters[0], 0);
        var receipt = await _chain.Reader.GetReceiptAsync(hash).ConfigureAwait(false);
        return receipt is null ? null : RpcJson.Write(receipt, ReceiptJson.Write);
    }

    private async ValueTask<object?> GetTransactionByBlockNumberAndIndex(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(2, 2);
        var block = BlockParameter.ReadNumber(parameters[0], 0);
        var index = RpcArgs.ReadUInt64(parameters[1], 1);
        return TransactionAt(await FindBlockAsync(block).ConfigureAwait(false), index);
    }

    private async ValueTask<object?> GetTransactionByBlockHashAndIndex(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(2, 2);
        var hash = RpcArgs.ReadHash(parameters[0], 0);
        var index = RpcArgs.ReadUInt64(parameters[1], 1);
        return TransactionAt(await _chain.Reader.GetBlockByHashAsync(hash).ConfigureAwait(false), index);
    }

    private static RpcJson? TransactionAt(BlockRecord? block, ulong index)
    {
        if (block is null || index >= (ulong)block.Transactions.Length)
        {
            return null;
        }

        var position = (int)index;
        var transaction = Transaction.Decode(block.Transactions[position]);
        var inclusion = new TransactionInclusion(block.Hash, block.Header.Number, position, block.Header.BaseFeePerGas);
        return RpcJson.Write(
            (Transaction: transaction, Sender: block.Senders[position], Inclusion: inclusion),
            static (writer, state) => TransactionJson.Write(writer, state.Transaction, state.Sender, state.Inclusion));
    }

    /// <summary>
    /// A mempool transaction as the sequencer keeps it: as it was sent, so a blob transaction still has its
    /// sidecar (network form); every other type reads the same either way.
    /// </summary>
    private static Transaction DecodePending(byte[] raw) =>
        raw.Length > 0 && raw[0] == (byte)TxType.Blob
            ? DecodeBlobEitherForm(raw)
            : Transaction.Decode(raw);

    private static Transaction DecodeBlobEitherForm(byte[] raw)
    {
        try
        {
            return Transaction.Decode(raw, TransactionForm.Network);
        }
        catch (InvalidTransactionException exception) when (exception.Reason == InvalidTransactionReason.BlobSidecarForm
            || exception.Reason == InvalidTransactionReason.WrongFieldCount || exception.Reason == InvalidTransactionReason.MalformedRlp)
        {
            return Transaction.Decode(raw);
        }
    }
}
