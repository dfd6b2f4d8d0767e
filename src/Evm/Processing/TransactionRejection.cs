namespace Hyperion.Evm;

/// <summary>Why a transaction cannot be included at all (as opposed to one that runs and fails, which still
/// pays for its gas). A rejected transaction leaves the state exactly as it was.</summary>
public enum TransactionRejectionReason
{
    /// <summary>The transaction type is not active under the fork.</summary>
    UnsupportedType,

    /// <summary>The chain id differs from the block's chain.</summary>
    InvalidChainId,

    /// <summary>No sender recovers from the signature.</summary>
    InvalidSignature,

    NonceTooLow,
    NonceTooHigh,

    /// <summary>The sender's nonce is already 2^64-1 (EIP-2681).</summary>
    NonceMax,

    /// <summary>The sender has code (EIP-3607).</summary>
    SenderNotEoa,

    /// <summary>The fee cap (or gas price) is below the block's base fee.</summary>
    FeeCapBelowBaseFee,

    /// <summary>The priority fee is above the fee cap.</summary>
    TipAboveFeeCap,

    /// <summary>The transaction's gas limit is above what the block has left.</summary>
    GasLimitAboveBlockGasLimit,

    /// <summary>The balance does not cover gas limit × fee cap + value + blob gas × blob fee cap.</summary>
    InsufficientFunds,

    IntrinsicGasTooLow,

    /// <summary>Creation init code over the EIP-3860 limit.</summary>
    InitCodeTooLarge,

    /// <summary>A blob transaction without a recipient.</summary>
    BlobContractCreation,

    /// <summary>A blob transaction without blobs.</summary>
    MissingBlobHashes,

    TooManyBlobs,

    /// <summary>A blob versioned hash that does not start with the KZG version byte 0x01.</summary>
    InvalidBlobVersionedHash,

    /// <summary>The blob fee cap is below the block's blob base fee.</summary>
    BlobFeeCapBelowBlobBaseFee,

    /// <summary>The transaction cannot be read (for example a value wider than 256 bits).</summary>
    Malformed,
}

/// <summary>A rejection with its reason and a sentence for people.</summary>
public sealed record TransactionRejection(TransactionRejectionReason Reason, string Message)
{
    public override string ToString() => $"{Reason}: {Message}";
}
