namespace Hyperion.Core.Transactions;

/// <summary>Why a transaction was refused, so that callers (the gateway, the mempool) can map it to the
/// messages and codes clients expect without parsing text.</summary>
public enum InvalidTransactionReason
{
    /// <summary>Not canonical RLP: bad lengths, truncated input, trailing bytes, a list where a string belongs.</summary>
    MalformedRlp,

    /// <summary>The transaction's list has too few or too many fields for its type.</summary>
    WrongFieldCount,

    /// <summary>An unknown type byte, a typed transaction wrapped in an RLP string, or a type not active under the chain's rules.</summary>
    UnsupportedType,

    /// <summary>An integer field with leading zero bytes.</summary>
    NonCanonicalInteger,

    /// <summary>An integer field larger than its type allows (64 bits for nonce and gas, 256 bits for amounts).</summary>
    IntegerOverflow,

    /// <summary>An address field that is not 20 bytes (or empty where creation is allowed).</summary>
    InvalidAddress,

    /// <summary>An access-list storage key that is not 32 bytes.</summary>
    InvalidStorageKey,

    /// <summary>The chain id differs from the chain's, or a legacy v encodes no valid chain id.</summary>
    InvalidChainId,

    /// <summary>The signature's values are out of range: r or s outside [1, n-1], high s, parity not 0 or 1.</summary>
    InvalidSignature,

    /// <summary>The signature's values are in range but no public key recovers from them.</summary>
    SignatureRecoveryFailed,

    /// <summary>A transaction that needs a signature has none.</summary>
    MissingSignature,

    /// <summary>The nonce is 2^64-1, which EIP-2681 reserves.</summary>
    NonceMax,

    /// <summary>The priority fee exceeds the fee cap.</summary>
    TipAboveFeeCap,

    /// <summary>gasLimit × fee cap does not fit in 256 bits.</summary>
    FeeCapTimesGasOverflow,

    /// <summary>The gas limit is below the intrinsic gas.</summary>
    IntrinsicGasTooLow,

    /// <summary>The intrinsic gas does not fit in 64 bits.</summary>
    IntrinsicGasOverflow,

    /// <summary>Contract-creation init code is longer than EIP-3860 allows.</summary>
    InitCodeTooLarge,

    /// <summary>A blob transaction without a recipient: EIP-4844 forbids creation.</summary>
    BlobContractCreation,

    /// <summary>A blob transaction with no versioned hashes.</summary>
    MissingBlobHashes,

    /// <summary>A versioned hash whose first byte is not the KZG version 0x01.</summary>
    InvalidBlobVersionedHash,

    /// <summary>More blobs than one block may hold.</summary>
    TooManyBlobs,

    /// <summary>The network form was expected (blobs, commitments and proofs) but is missing, or the reverse.</summary>
    BlobSidecarForm,

    /// <summary>The sidecar disagrees with the transaction: counts, sizes, or a commitment that does not hash to its versioned hash.</summary>
    BlobSidecarMismatch,

    /// <summary>The KZG proofs do not verify.</summary>
    InvalidBlobProof,
}
