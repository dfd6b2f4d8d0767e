using System.Text.Json;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// A receipt as geth's <c>eth_getTransactionReceipt</c> writes it (post-Byzantium: <c>status</c>, no state root),
/// with every log carrying its block and transaction, and the blob fields only for blob transactions.
/// </summary>
internal static class ReceiptJson
{
    private const byte BlobType = 0x03;

    public static void Write(Utf8JsonWriter writer, ReceiptRecord receipt)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(receipt);
        writer.WriteStartObject();
        writer.WriteHash("transactionHash", receipt.TransactionHash);
        writer.WriteQuantity("transactionIndex", (ulong)receipt.TransactionIndex);
        writer.WriteHash("blockHash", receipt.BlockHash);
        writer.WriteQuantity("blockNumber", receipt.BlockNumber);
        writer.WriteAddress("from", receipt.From);
        writer.WriteAddressOrNull("to", receipt.To);
        writer.WriteQuantity("cumulativeGasUsed", receipt.CumulativeGasUsed);
        writer.WriteQuantity("gasUsed", receipt.GasUsed);
        writer.WriteQuantity("effectiveGasPrice", receipt.EffectiveGasPrice);
        writer.WriteAddressOrNull("contractAddress", receipt.ContractAddress);
        writer.WriteStartArray("logs");
        foreach (var log in receipt.Logs)
        {
            WriteLog(writer, log, receipt);
        }

        writer.WriteEndArray();
        writer.WriteData("logsBloom", receipt.LogsBloom);
        writer.WriteQuantity("status", receipt.Success ? 1UL : 0UL);
        writer.WriteQuantity("type", receipt.Type);
        if (receipt.Type == BlobType)
        {
            writer.WriteQuantity("blobGasUsed", receipt.BlobGasUsed ?? 0);
            writer.WriteQuantity("blobGasPrice", receipt.BlobGasPrice ?? default);
        }

        writer.WriteEndObject();
    }

    /// <summary>One log with where it came from; <c>removed</c> is always false, as this chain does not reorganize.</summary>
    public static void WriteLog(Utf8JsonWriter writer, LogRecord log, ReceiptRecord receipt)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(receipt);
        writer.WriteStartObject();
        writer.WriteAddress("address", log.Address);
        writer.WriteStartArray("topics");
        foreach (var topic in log.Topics)
        {
            writer.WriteDataValue(topic.Bytes);
        }

        writer.WriteEndArray();
        writer.WriteData("data", log.Data);
        writer.WriteQuantity("blockNumber", receipt.BlockNumber);
        writer.WriteHash("transactionHash", receipt.TransactionHash);
        writer.WriteQuantity("transactionIndex", (ulong)receipt.TransactionIndex);
        writer.WriteHash("blockHash", receipt.BlockHash);
        writer.WriteQuantity("logIndex", (ulong)log.LogIndex);
        writer.WriteBoolean("removed", false);
        writer.WriteEndObject();
    }
}
