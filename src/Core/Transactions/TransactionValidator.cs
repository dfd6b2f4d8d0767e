using Hyperion.Core.Chain;

namespace Hyperion.Core.Transactions;

/// <summary>
/// The checks a transaction must pass on its own, before any state is read: that its type is active,
/// its chain id, nonce bound, fee fields, init code size, signature, intrinsic gas and blob
/// fields. The gateway and the mempool run these; nonce order and balance are the mempool's.
/// </summary>
public static class TransactionValidator
{
    /// <summary>
    /// Validates <paramref name="transaction"/> for <paramref name="config"/> and returns its sender;
    /// throws <see cref="InvalidTransactionException"/> on the first problem. A blob transaction's sidecar,
    /// when present, is checked too, its KZG proofs only when <paramref name="blobProofVerifier"/> is given.
    /// Deposits are checked for type and form only: they are derived from L1, and one whose gas is below
    /// its intrinsic gas is still included (as a failed deposit), not refused.
    /// </summary>
    public static Address Validate(Transaction transaction, ChainConfig config, IBlobProofVerifier? blobProofVerifier = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(config);
        var rules = config.Rules;
        CheckTypeActive(transaction.Type, rules);
        if (transaction.Type == TxType.Deposit)
        {
            return transaction.RecoverSender();
        }

        // Before anything hashes the transaction: a blob transaction without 'to' has no encoding.
        if (transaction.Type == TxType.Blob && transaction.To is null)
        {
            throw Invalid(InvalidTransactionReason.BlobContractCreation, "to", "A blob transaction cannot create a contract (EIP-4844).");
        }

        CheckChainId(transaction, config);
        if (transaction.Nonce == ulong.MaxValue)
        {
            throw Invalid(InvalidTransactionReason.NonceMax, "nonce", "The nonce 2^64-1 is reserved (EIP-2681): the account could never send again.");
        }

        CheckFees(transaction);
        if (transaction.IsContractCreation && rules.IsEip3860Enabled && transaction.Data.Length > rules.MaxInitCodeSize)
        {
            throw Invalid(
                InvalidTransactionReason.InitCodeTooLarge,
                "data",
                $"The init code has {transaction.Data.Length} bytes; at most {rules.MaxInitCodeSize} are allowed (EIP-3860).");
        }

        // The signature before the gas, as geth orders its checks, so the first error reported matches.
        var sender = transaction.RecoverSender();
        var intrinsic = IntrinsicGas.Calculate(transaction, rules);
        if (transaction.GasLimit < intrinsic)
        {
            throw Invalid(
                InvalidTransactionReason.IntrinsicGasTooLow,
                "gasLimit",
                $"The gas limit {transaction.GasLimit} is below the intrinsic gas {intrinsic}.");
        }

        if (transaction.Type == TxType.Blob)
        {
            CheckBlobFields(transaction, rules, blobProofVerifier);
        }

        return sender;
    }

    private static void CheckTypeActive(TxType type, ForkRules rules)
    {
        var active = type switch
        {
            TxType.Legacy => true,
            TxType.AccessList => rules.IsEip2930Enabled,
            TxType.DynamicFee => rules.IsEip1559Enabled,
            TxType.Blob => rules.IsEip4844Enabled,
            TxType.Deposit => rules.AcceptsDepositTransactions,
            _ => false,
        };
        if (!active)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.UnsupportedType, $"Transaction type 0x{(byte)type:x2} ({type}) is not active under {rules.Name}.");
        }
    }

    private static void CheckChainId(Transaction transaction, ChainConfig config)
    {
        if (transaction.Type == TxType.Legacy && transaction.ChainId is not null && !config.Rules.IsEip155Enabled)
        {
            throw Invalid(InvalidTransactionReason.InvalidChainId, "v", $"EIP-155 chain ids in v are not active under {config.Rules.Name}.");
        }

        if (transaction.CheckChainId(config.ChainId) == ChainIdCheck.Mismatch)
        {
            throw Invalid(
                InvalidTransactionReason.InvalidChainId,
                "chainId",
                $"The transaction is for chain {transaction.ChainId}, this chain is {config.ChainId}.");
        }
    }

    private static void CheckFees(Transaction transaction)
    {
        var feeCap = transaction.FeeCap;
        if (transaction.TipCap > feeCap)
        {
            throw Invalid(
                InvalidTransactionReason.TipAboveFeeCap,
                "maxPriorityFeePerGas",
                $"maxPriorityFeePerGas {transaction.TipCap} is above maxFeePerGas {feeCap}.");
        }

        if (MultiplyOverflows(feeCap, transaction.GasLimit))
        {
            throw Invalid(
                InvalidTransactionReason.FeeCapTimesGasOverflow,
                "gasLimit",
                $"gasLimit × fee cap ({transaction.GasLimit} × {feeCap}) does not fit in 256 bits.");
        }
    }

    private static void CheckBlobFields(Transaction transaction, ForkRules rules, IBlobProofVerifier? blobProofVerifier)
    {
        var hashes = transaction.BlobVersionedHashes;
        if (hashes.Count == 0)
        {
            throw Invalid(InvalidTransactionReason.MissingBlobHashes, "blobVersionedHashes", "A blob transaction needs at least one blob versioned hash.");
        }

        if (hashes.Count > rules.MaxBlobsPerBlock)
        {
            throw Invalid(
                InvalidTransactionReason.TooManyBlobs,
                "blobVersionedHashes",
                $"The transaction has {hashes.Count} blobs; a block holds at most {rules.MaxBlobsPerBlock}.");
        }

        for (var i = 0; i < hashes.Count; i++)
        {
            if (hashes[i].Bytes[0] != BlobSidecar.KzgVersion)
            {
                throw Invalid(
                    InvalidTransactionReason.InvalidBlobVersionedHash,
                    "blobVersionedHashes",
                    $"Versioned hash {i} starts with 0x{hashes[i].Bytes[0]:x2}; KZG versioned hashes start with 0x01.");
            }
        }

        transaction.Sidecar?.Validate(hashes, blobProofVerifier);
    }

    // value × factor ≥ 2^256, computed limb by limb without allocating.
    private static bool MultiplyOverflows(in UInt256 value, ulong factor)
    {
        var carry = Math.BigMul(value.U0, factor, out _);
        carry = MultiplyAdd(value.U1, factor, carry);
        carry = MultiplyAdd(value.U2, factor, carry);
        carry = MultiplyAdd(value.U3, factor, carry);
        return carry != 0;
    }

    private static ulong MultiplyAdd(ulong limb, ulong factor, ulong carryIn)
    {
        var high = Math.BigMul(limb, factor, out var low);
        var sum = low + carryIn;
        return high + (sum < low ? 1UL : 0UL);
    }

    private static InvalidTransactionException Invalid(InvalidTransactionReason reason, string field, string message) =>
        new(reason, message) { Field = field };
}
