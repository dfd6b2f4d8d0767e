using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The rules that relate a post-merge (Cancun) header to its parent, checked before the block is executed:
/// numbering and time, the gas limit's drift, EIP-1559's base fee, EIP-4844's excess blob gas, and the fields the
/// merge fixed (no difficulty, no nonce, no ommers).
/// </summary>
public static class BlockHeaderRules
{
    /// <summary>EIP-1559: the base fee moves by at most 1/8 per block.</summary>
    public const ulong BaseFeeChangeDenominator = 8;

    /// <summary>EIP-1559: the gas target is half the gas limit.</summary>
    public const ulong ElasticityMultiplier = 2;

    /// <summary>The gas limit moves by less than 1/1024 of the parent's per block.</summary>
    public const ulong GasLimitBoundDivisor = 1024;

    public const ulong MinGasLimit = 5000;

    /// <summary>Gas is a signed 64-bit count in the EVM, so a block may not hold more (go-ethereum's MaxGasLimit).</summary>
    public const ulong MaxGasLimit = long.MaxValue;

    /// <summary>EIP-4844 (Cancun): three blobs' worth of blob gas per block is the target.</summary>
    public const ulong TargetBlobGasPerBlock = 393_216;

    public const int MaxExtraDataLength = 32;

    /// <summary>EIP-1559's base fee for the child of <paramref name="parent"/>.</summary>
    public static UInt256 CalculateBaseFee(BlockHeader parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var parentBaseFee = parent.BaseFeePerGas ?? throw new ArgumentException("The parent has no base fee (it is before London).", nameof(parent));
        var target = parent.GasLimit / ElasticityMultiplier;
        if (parent.GasUsed == target)
        {
            return parentBaseFee;
        }

        if (parent.GasUsed > target)
        {
            var increase = parentBaseFee * new UInt256(parent.GasUsed - target) / new UInt256(target) / new UInt256(BaseFeeChangeDenominator);
            return parentBaseFee + (increase.IsZero ? UInt256.One : increase);
        }

        var decrease = parentBaseFee * new UInt256(target - parent.GasUsed) / new UInt256(target) / new UInt256(BaseFeeChangeDenominator);
        return parentBaseFee - decrease;
    }

    /// <summary>EIP-4844's excess blob gas for the child of <paramref name="parent"/>.</summary>
    public static ulong CalculateExcessBlobGas(BlockHeader parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var total = (parent.ExcessBlobGas ?? 0) + (parent.BlobGasUsed ?? 0);
        return total < TargetBlobGasPerBlock ? 0 : total - TargetBlobGasPerBlock;
    }

    /// <summary>Throws <see cref="InvalidBlockException"/> (<see cref="BlockRejectionReason.InvalidHeader"/>) at the first rule broken.</summary>
    public static void ValidateAgainstParent(BlockHeader header, BlockHeader parent)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(parent);
        Check(header.Number == parent.Number + 1, $"number {header.Number} does not follow the parent's {parent.Number}");
        Check(header.ParentHash == parent.Hash, $"parent hash {header.ParentHash} is not the parent's hash {parent.Hash}");
        Check(header.Timestamp > parent.Timestamp, $"timestamp {header.Timestamp} is not after the parent's {parent.Timestamp}");
        var drift = header.GasLimit > parent.GasLimit ? header.GasLimit - parent.GasLimit : parent.GasLimit - header.GasLimit;
        Check(drift < parent.GasLimit / GasLimitBoundDivisor, $"gas limit {header.GasLimit} moved too far from the parent's {parent.GasLimit}");
        Check(header.GasLimit >= MinGasLimit, $"gas limit {header.GasLimit} is below {MinGasLimit}");
        Check(header.GasLimit <= MaxGasLimit, $"gas limit {header.GasLimit} is above 2^63-1");
        Check(header.GasUsed <= header.GasLimit, $"gas used {header.GasUsed} is above the gas limit {header.GasLimit}");
        Check(header.ExtraData.Length <= MaxExtraDataLength, $"extra data has {header.ExtraData.Length} bytes, more than {MaxExtraDataLength}");
        Check(header.Difficulty.IsZero, "difficulty is not zero after the merge");
        Check(header.Nonce == 0, "nonce is not zero after the merge");
        Check(header.OmmersHash == Keccak256.OfEmptyList, "ommers hash is not that of an empty list after the merge");
        Check(header.BaseFeePerGas is { } baseFee && baseFee == CalculateBaseFee(parent), $"base fee {header.BaseFeePerGas} is not {CalculateBaseFee(parent)} (EIP-1559)");
        Check(header.WithdrawalsRoot is not null, "no withdrawals root (EIP-4895)");
        Check(header.BlobGasUsed is not null && header.ExcessBlobGas is not null, "no blob gas fields (EIP-4844)");
        Check(header.ExcessBlobGas == CalculateExcessBlobGas(parent), $"excess blob gas {header.ExcessBlobGas} is not {CalculateExcessBlobGas(parent)} (EIP-4844)");
        Check(header.ParentBeaconBlockRoot is not null, "no parent beacon block root (EIP-4788)");
    }

    private static void Check(bool rule, string broken)
    {
        if (!rule)
        {
            throw new InvalidBlockException(BlockRejectionReason.InvalidHeader, "The header's " + broken + ".");
        }
    }
}
