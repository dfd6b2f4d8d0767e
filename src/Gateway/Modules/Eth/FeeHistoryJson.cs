using System.Text.Json;
using Hyperion.Core;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// <c>eth_feeHistory</c>'s result as geth writes it: <c>reward</c> only when percentiles were asked for, the blob
/// fields only when there are any, and <c>gasUsedRatio</c> always (null when no block was asked for).
/// </summary>
internal static class FeeHistoryJson
{
    public static void Write(Utf8JsonWriter writer, FeeHistoryRecord history)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(history);
        writer.WriteStartObject();
        writer.WriteQuantity("oldestBlock", history.OldestBlock);
        if (history.Reward.Length > 0)
        {
            writer.WriteStartArray("reward");
            foreach (var block in history.Reward)
            {
                writer.WriteStartArray();
                foreach (var reward in block)
                {
                    writer.WriteQuantityValue(reward);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        WriteQuantities(writer, "baseFeePerGas", history.BaseFeePerGas);
        if (history.GasUsedRatio.Length > 0)
        {
            WriteRatios(writer, "gasUsedRatio", history.GasUsedRatio);
        }
        else
        {
            writer.WriteNull("gasUsedRatio");
        }

        WriteQuantities(writer, "baseFeePerBlobGas", history.BaseFeePerBlobGas);
        if (history.BlobGasUsedRatio.Length > 0)
        {
            WriteRatios(writer, "blobGasUsedRatio", history.BlobGasUsedRatio);
        }

        writer.WriteEndObject();
    }

    /// <summary>geth's answer for a block count of zero: nothing but an oldest block of 0.</summary>
    public static FeeHistoryRecord Empty { get; } = new(0, [], [], [], [], []);

    private static void WriteQuantities(Utf8JsonWriter writer, string name, UInt256[] values)
    {
        if (values.Length == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteQuantityValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteRatios(Utf8JsonWriter writer, string name, double[] ratios)
    {
        writer.WriteStartArray(name);
        foreach (var ratio in ratios)
        {
            writer.WriteRawValue(GoFloat.Format(ratio), skipInputValidation: true);
        }

        writer.WriteEndArray();
    }
}
