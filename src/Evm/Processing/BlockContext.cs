using System.Numerics;
using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>The block a transaction executes in, as the EVM sees it.</summary>
public sealed record BlockContext
{
    /// <summary>EIP-4844's floor of the blob base fee.</summary>
    public const ulong MinBlobBaseFee = 1;

    /// <summary>EIP-4844 (Cancun): how fast the blob base fee follows the excess blob gas.</summary>
    public const ulong BlobBaseFeeUpdateFraction = 3_338_477;

    public ulong ChainId { get; init; } = 1;

    public ulong Number { get; init; }

    public ulong Timestamp { get; init; }

    public Address Coinbase { get; init; }

    public ulong GasLimit { get; init; }

    /// <summary>EIP-1559's base fee per gas (BASEFEE), burned.</summary>
    public UInt256 BaseFee { get; init; }

    /// <summary>Before the merge: DIFFICULTY.</summary>
    public UInt256 Difficulty { get; init; }

    /// <summary>After the merge (EIP-4399): PREVRANDAO.</summary>
    public Hash256 PrevRandao { get; init; }

    /// <summary>EIP-4844's excess blob gas, from which the blob base fee follows.</summary>
    public ulong ExcessBlobGas { get; init; }

    /// <summary>The price of a unit of blob gas (BLOBBASEFEE): fake_exponential(1, excess, 3338477). Computed on
    /// each read; the processor reads it once per transaction.</summary>
    public UInt256 BlobBaseFee => ComputeBlobBaseFee(ExcessBlobGas);

    /// <summary>EIP-4844's integer approximation of factor · e^(numerator / denominator).</summary>
    public static UInt256 ComputeBlobBaseFee(ulong excessBlobGas)
    {
        BigInteger factor = MinBlobBaseFee;
        BigInteger numerator = excessBlobGas;
        BigInteger denominator = BlobBaseFeeUpdateFraction;
        var output = BigInteger.Zero;
        var accumulator = factor * denominator;
        for (var i = 1; accumulator > 0; i++)
        {
            output += accumulator;
            accumulator = accumulator * numerator / (denominator * i);
        }

        var fee = output / denominator;
        return fee.GetByteCount(isUnsigned: true) > 32 ? UInt256.MaxValue : (UInt256)fee;
    }
}
