using System.Text.Json;
using Hyperion.Core;
using Hyperion.Core.Transactions;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>Where a committed transaction sits: its block, its index there, and that block's base fee.</summary>
internal readonly record struct TransactionInclusion(Hash256 BlockHash, ulong BlockNumber, int Index, UInt256? BaseFee);

/// <summary>
/// A transaction object as geth's <c>eth_getTransactionByHash</c> and full blocks write it: the fields its type has
/// and no others, <c>gasPrice</c> as the price actually paid once a dynamic-fee transaction is in a block (the fee cap
/// while pending), and null block fields while pending.
/// </summary>
internal static class TransactionJson
{
    public static void Write(Utf8JsonWriter writer, Transaction transaction, in Address sender, TransactionInclusion? inclusion)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(transaction);
        var type = transaction.Type;
        var isDynamicFee = type is TxType.DynamicFee or TxType.Blob;

        writer.WriteStartObject();
        if (inclusion is { } included)
        {
            writer.WriteHash("blockHash", included.BlockHash);
            writer.WriteQuantity("blockNumber", included.BlockNumber);
        }
        else
        {
            writer.WriteNull("blockHash");
            writer.WriteNull("blockNumber");
        }

        writer.WriteAddress("from", sender);
        writer.WriteQuantity("gas", transaction.GasLimit);
        writer.WriteQuantity("gasPrice", GasPrice(transaction, inclusion));
        if (isDynamicFee)
        {
            writer.WriteQuantity("maxFeePerGas", transaction.MaxFeePerGas);
            writer.WriteQuantity("maxPriorityFeePerGas", transaction.MaxPriorityFeePerGas);
        }

        if (type == TxType.Blob)
        {
            writer.WriteQuantity("maxFeePerBlobGas", transaction.MaxFeePerBlobGas);
        }

        writer.WriteHash("hash", transaction.Hash);
        writer.WriteData("input", transaction.Data);
        writer.WriteQuantity("nonce", transaction.Nonce);
        writer.WriteAddressOrNull("to", transaction.To);
        if (inclusion is { } at)
        {
            writer.WriteQuantity("transactionIndex", (ulong)at.Index);
        }
        else
        {
            writer.WriteNull("transactionIndex");
        }

        writer.WriteQuantity("value", transaction.Value);
        writer.WriteQuantity("type", (ulong)type);
        if (type is TxType.AccessList or TxType.DynamicFee or TxType.Blob)
        {
            WriteAccessList(writer, transaction.AccessList);
        }

        if (transaction.ChainId is { } chainId && type != TxType.Deposit)
        {
            writer.WriteQuantity("chainId", chainId);
        }

        if (type == TxType.Blob)
        {
            writer.WriteStartArray("blobVersionedHashes");
            foreach (var hash in transaction.BlobVersionedHashes)
            {
                writer.WriteDataValue(hash.Bytes);
            }

            writer.WriteEndArray();
        }

        if (type == TxType.Deposit)
        {
            WriteDepositFields(writer, transaction);
        }
        else
        {
            WriteSignature(writer, transaction);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// What geth reports as <c>gasPrice</c>: a legacy or access-list transaction's own price; for a dynamic-fee
    /// transaction in a block, min(tip + base fee, fee cap), the price paid; pending, its fee cap.
    /// </summary>
    public static UInt256 GasPrice(Transaction transaction, TransactionInclusion? inclusion)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        return transaction.Type switch
        {
            TxType.DynamicFee or TxType.Blob when inclusion is { BaseFee: { } baseFee } =>
                transaction.EffectiveGasPrice(baseFee),
            TxType.DynamicFee or TxType.Blob => transaction.MaxFeePerGas,
            TxType.Deposit => UInt256.Zero,
            _ => transaction.GasPrice,
        };
    }

    private static void WriteAccessList(Utf8JsonWriter writer, IReadOnlyList<AccessListEntry> accessList)
    {
        writer.WriteStartArray("accessList");
        foreach (var entry in accessList)
        {
            writer.WriteStartObject();
            writer.WriteAddress("address", entry.Address);
            writer.WriteStartArray("storageKeys");
            foreach (var key in entry.StorageKeys)
            {
                writer.WriteDataValue(key.Bytes);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteSignature(Utf8JsonWriter writer, Transaction transaction)
    {
        var signature = transaction.Signature.GetValueOrDefault();
        if (transaction.Type == TxType.Legacy)
        {
            writer.WriteQuantity("v", transaction.LegacyV);
        }
        else
        {
            writer.WriteQuantity("v", signature.YParity);
        }

        writer.WriteQuantity("r", signature.R);
        writer.WriteQuantity("s", signature.S);
        if (transaction.Type != TxType.Legacy)
        {
            writer.WriteQuantity("yParity", signature.YParity);
        }
    }

    // op-geth's shape for deposits: no signature (v, r and s are zero), the L1 source, the minted value when there
    // is one, and isSystemTx only when true.
    private static void WriteDepositFields(Utf8JsonWriter writer, Transaction transaction)
    {
        writer.WriteHash("sourceHash", transaction.SourceHash);
        if (!transaction.Mint.IsZero)
        {
            writer.WriteQuantity("mint", transaction.Mint);
        }

        if (transaction.IsSystemTransaction)
        {
            writer.WriteBoolean("isSystemTx", true);
        }

        writer.WriteQuantity("v", 0UL);
        writer.WriteQuantity("r", 0UL);
        writer.WriteQuantity("s", 0UL);
    }
}
