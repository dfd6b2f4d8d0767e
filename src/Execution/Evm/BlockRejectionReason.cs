namespace Hyperion.Execution.Evm;

/// <summary>Why a block is invalid.</summary>
public enum BlockRejectionReason
{
    /// <summary>A transaction cannot be included (nonce, balance, fees, signature, ...): see the transaction's rejection.</summary>
    InvalidTransaction,

    /// <summary>A transaction's gas limit is above the gas the block has left (the block gas limit minus the gas used before it).</summary>
    BlockGasLimitExceeded,

    /// <summary>The block's transactions carry more blobs than a block may (EIP-4844).</summary>
    BlobGasLimitExceeded,

    /// <summary>The block's bytes do not decode as a block.</summary>
    Malformed,

    /// <summary>A header field breaks a rule relating it to its parent (number, parent hash, time, gas limit, base fee, excess blob gas, ...).</summary>
    InvalidHeader,

    /// <summary>A header field differs from what executing the block gives (state root, receipts root, gas used, bloom, ...).</summary>
    HeaderMismatch,
}
