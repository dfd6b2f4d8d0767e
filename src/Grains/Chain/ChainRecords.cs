using Hyperion.Core;
using Hyperion.Core.Rlp;
using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Execution.Evm;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Grains.Chain;

/// <summary>Turns stored blocks into the records RPC readers get.</summary>
public static class ChainRecords
{
    public static BlockHeaderRecord ToRecord(BlockHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return new BlockHeaderRecord(
            header.ParentHash,
            header.OmmersHash,
            header.Coinbase,
            header.StateRoot,
            header.TransactionsRoot,
            header.ReceiptsRoot,
            header.LogsBloom,
            header.Difficulty,
            header.Number,
            header.GasLimit,
            header.GasUsed,
            header.Timestamp,
            header.ExtraData,
            header.MixHash,
            header.Nonce,
            header.BaseFeePerGas,
            header.WithdrawalsRoot,
            header.BlobGasUsed,
            header.ExcessBlobGas,
            header.ParentBeaconBlockRoot);
    }

    public static BlockRecord ToRecord(StoredBlock block, Hash256 hash)
    {
        ArgumentNullException.ThrowIfNull(block);
        return new BlockRecord(ToRecord(block.Header), hash, (ulong)EncodedSize(block), [.. block.Transactions], [.. block.Senders]);
    }

    public static TransactionRecord ToTransactionRecord(StoredBlock block, Hash256 hash, int index)
    {
        ArgumentNullException.ThrowIfNull(block);
        return new TransactionRecord(block.Transactions[index], block.Senders[index], hash, block.Header.Number, index, block.Header.BaseFeePerGas ?? UInt256.Zero);
    }

    /// <summary>Every receipt of the block, with log indexes running across the block as geth numbers them.</summary>
    public static ReceiptRecord[] ToReceiptRecords(StoredBlock block, Hash256 blockHash)
    {
        ArgumentNullException.ThrowIfNull(block);
        var records = new ReceiptRecord[block.Receipts.Count];
        var logIndex = 0;
        var baseFee = block.Header.BaseFeePerGas ?? UInt256.Zero;
        UInt256? blobGasPrice = block.Header.ExcessBlobGas is { } excess ? BlockContext.ComputeBlobBaseFee(excess) : null;
        for (var i = 0; i < records.Length; i++)
        {
            var receipt = block.Receipts[i];
            var transaction = Transaction.Decode(block.Transactions[i], TransactionForm.Network);
            var logs = new LogRecord[receipt.Logs.Count];
            for (var j = 0; j < logs.Length; j++)
            {
                var log = receipt.Logs[j];
                logs[j] = new LogRecord(log.Address, [.. log.Topics], log.Data, logIndex++);
            }

            records[i] = new ReceiptRecord(
                transaction.Hash,
                i,
                blockHash,
                block.Header.Number,
                block.Senders[i],
                transaction.To,
                receipt.ContractAddress,
                receipt.CumulativeGasUsed,
                receipt.GasUsed,
                transaction.EffectiveGasPrice(baseFee),
                receipt.Succeeded,
                (byte)receipt.Type,
                receipt.Bloom.Bytes.ToArray(),
                logs,
                transaction.Type == TxType.Blob ? receipt.BlobGasUsed : null,
                transaction.Type == TxType.Blob ? blobGasPrice : null);
        }

        return records;
    }

    /// <summary>The size of rlp([header, transactions, ommers, withdrawals]), what eth_getBlock reports as size.</summary>
    private static int EncodedSize(StoredBlock block)
    {
        var writer = new RlpWriter(1024);
        writer.StartList().WriteEncoded(block.Header.Encode()).StartList();
        foreach (var raw in block.Transactions)
        {
            // Legacy transactions are lists in a block body; typed ones are byte strings (EIP-2718).
            if (raw.Length > 0 && raw[0] >= 0xc0)
            {
                writer.WriteEncoded(raw);
            }
            else
            {
                writer.WriteBytes(raw);
            }
        }

        writer.EndList().StartList().EndList().StartList().EndList().EndList();
        return writer.Length;
    }
}
