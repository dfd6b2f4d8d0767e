using System.Buffers.Binary;
using System.Text.Json;
using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// A block as geth's <c>eth_getBlockByNumber</c> writes it: the header fields (the post-London, Shanghai and Cancun
/// ones only when the header has them), <c>totalDifficulty</c> 0x0 as a proof-of-stake chain has, no uncles, and the
/// transactions as hashes or as full objects.
/// </summary>
internal static class BlockJson
{
    public static void Write(Utf8JsonWriter writer, BlockRecord block, bool fullTransactions)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(block);
        var header = block.Header;
        writer.WriteStartObject();
        writer.WriteQuantity("number", header.Number);
        writer.WriteHash("hash", block.Hash);
        writer.WriteHash("parentHash", header.ParentHash);
        Span<byte> nonce = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(nonce, header.Nonce);
        writer.WriteData("nonce", nonce);
        writer.WriteHash("mixHash", header.MixHash);
        writer.WriteHash("sha3Uncles", header.OmmersHash);
        writer.WriteData("logsBloom", header.LogsBloom);
        writer.WriteHash("stateRoot", header.StateRoot);
        writer.WriteAddress("miner", header.Coinbase);
        writer.WriteQuantity("difficulty", header.Difficulty);
        writer.WriteData("extraData", header.ExtraData);
        writer.WriteQuantity("gasLimit", header.GasLimit);
        writer.WriteQuantity("gasUsed", header.GasUsed);
        writer.WriteQuantity("timestamp", header.Timestamp);
        writer.WriteHash("transactionsRoot", header.TransactionsRoot);
        writer.WriteHash("receiptsRoot", header.ReceiptsRoot);
        if (header.BaseFeePerGas is { } baseFee)
        {
            writer.WriteQuantity("baseFeePerGas", baseFee);
        }

        if (header.WithdrawalsRoot is { } withdrawalsRoot)
        {
            writer.WriteHash("withdrawalsRoot", withdrawalsRoot);
        }

        if (header.BlobGasUsed is { } blobGasUsed)
        {
            writer.WriteQuantity("blobGasUsed", blobGasUsed);
        }

        if (header.ExcessBlobGas is { } excessBlobGas)
        {
            writer.WriteQuantity("excessBlobGas", excessBlobGas);
        }

        if (header.ParentBeaconBlockRoot is { } parentBeaconBlockRoot)
        {
            writer.WriteHash("parentBeaconBlockRoot", parentBeaconBlockRoot);
        }

        writer.WriteQuantity("totalDifficulty", 0UL);
        writer.WriteQuantity("size", block.Size);
        writer.WriteStartArray("uncles");
        writer.WriteEndArray();
        WriteTransactions(writer, block, fullTransactions);

        // Shanghai blocks carry a (here always empty) withdrawals list; earlier ones have neither it nor its root.
        if (header.WithdrawalsRoot is not null)
        {
            writer.WriteStartArray("withdrawals");
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteTransactions(Utf8JsonWriter writer, BlockRecord block, bool full)
    {
        writer.WriteStartArray("transactions");
        Span<byte> hash = stackalloc byte[Keccak256.HashLength];
        for (var i = 0; i < block.Transactions.Length; i++)
        {
            var raw = block.Transactions[i];
            if (full)
            {
                var transaction = Transaction.Decode(raw);
                var inclusion = new TransactionInclusion(block.Hash, block.Header.Number, i, block.Header.BaseFeePerGas);
                TransactionJson.Write(writer, transaction, block.Senders[i], inclusion);
            }
            else
            {
                // A transaction's hash is the keccak of its canonical bytes, which is what a block holds.
                Keccak256.Compute(raw, hash);
                writer.WriteDataValue(hash);
            }
        }

        writer.WriteEndArray();
    }
}
