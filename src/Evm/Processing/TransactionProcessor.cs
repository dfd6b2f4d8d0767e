using Hyperion.Core;
using Hyperion.Core.Transactions;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm;

/// <summary>
/// Executes one transaction against a state reader in a block: validates it against the state (nonce,
/// balance, fees, intrinsic gas, blob fields), buys its gas, warms the access list, runs it, refunds
/// (EIP-3529 cap), pays the coinbase its tip (the base fee is burned), and returns the read and write sets.
/// A rejected transaction changes nothing. Not thread-safe: one processor per worker thread.
/// </summary>
public sealed class TransactionProcessor
{
    private readonly JournaledState _state;
    private readonly VirtualMachine _vm;

    /// <param name="spec">The fork's EVM rules.</param>
    /// <param name="precompiles">The precompiles (warm in every transaction).</param>
    /// <param name="codeCache">Code analyses shared across processors; <see cref="CodeAnalysisCache.Shared"/> by default.</param>
    /// <param name="deferCoinbasePayment">
    /// Leave the coinbase's tip out of the transaction's reads and writes and report it as
    /// <see cref="TransactionResult.CoinbasePayment"/> for the caller to credit after applying the write set.
    /// Without this every transaction of a block reads and writes the coinbase balance, which serialises
    /// Block-STM (the lazy coinbase of RISE pevm). The caller must then also touch the coinbase (EIP-161).
    /// </param>
    /// <param name="buildReadSet">
    /// Fill <see cref="TransactionResult.ReadSet"/>. A block executor that tracks its reads itself (or needs none)
    /// turns it off: gathering every account and slot read costs a pass over the journal per transaction, and the
    /// result then carries <see cref="TransactionReadSet.Empty"/>.
    /// </param>
    public TransactionProcessor(EvmSpec spec, PrecompileTable precompiles, CodeAnalysisCache? codeCache = null, bool deferCoinbasePayment = false, bool buildReadSet = true)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(precompiles);
        Spec = spec;
        DefersCoinbasePayment = deferCoinbasePayment;
        BuildsReadSet = buildReadSet;
        _state = new JournaledState(codeCache);
        if (spec.HasAccessLists)
        {
            _state.SetAlwaysWarm(precompiles.Addresses);
        }

        _vm = new VirtualMachine(spec, precompiles, _state);
    }

    public EvmSpec Spec { get; }

    public bool DefersCoinbasePayment { get; }

    public bool BuildsReadSet { get; }

    public TransactionResult Execute(Transaction transaction, BlockContext block, IStateReader state)
    {
        var tracer = default(NoTracer);
        return Execute(transaction, block, state, ref tracer);
    }

    public TransactionResult Execute<TTracer>(Transaction transaction, BlockContext block, IStateReader state, ref TTracer tracer)
        where TTracer : struct, ITracer
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(state);
        _state.Begin(state);
        _vm.SetContext(block, default, default, []);
        var rejection = Validate(transaction, block, out var sender, out var senderAccount, out var intrinsicGas, out var gasPrice);
        if (rejection is not null)
        {
            return rejection;
        }

        var blobGas = transaction.BlobGas;

        // Buy the gas at the effective price; blob gas at the blob base fee is burned and never refunded.
        var upfront = new UInt256(transaction.GasLimit) * gasPrice;
        if (blobGas > 0)
        {
            upfront += new UInt256(blobGas) * _vm.BlobBaseFee;
        }

        _state.SubtractBalance(senderAccount, upfront);
        if (!transaction.IsContractCreation)
        {
            _state.SetNonce(senderAccount, senderAccount.Nonce + 1);
        }

        if (Spec.HasAccessLists)
        {
            WarmAccessList(transaction, senderAccount, block);
        }

        _vm.SetContext(block, sender, gasPrice, transaction.BlobVersionedHashes);
        var message = new Message(
            transaction.IsContractCreation ? FrameKind.Create : FrameKind.Call,
            sender,
            transaction.To ?? default,
            transaction.Value,
            transaction.Data,
            (long)(transaction.GasLimit - intrinsicGas));
        var result = _vm.Execute(message, ref tracer);

        // EIP-3529: the refund is capped at a fifth of the gas used (half before London).
        var gasLeft = (ulong)result.GasLeft;
        var refund = Math.Min((ulong)Math.Max(0, _state.Refund), (transaction.GasLimit - gasLeft) / (ulong)Spec.MaxRefundQuotient);
        gasLeft += refund;
        var gasUsed = transaction.GasLimit - gasLeft;

        _state.AddBalance(senderAccount, new UInt256(gasLeft) * gasPrice);
        var tip = Spec.HasBaseFee ? gasPrice - block.BaseFee : gasPrice;
        var coinbasePayment = new UInt256(gasUsed) * tip;
        if (!DefersCoinbasePayment)
        {
            _state.AddBalance(_state.Account(block.Coinbase), coinbasePayment);
        }
        else if (_state.IsSelfDestructed(block.Coinbase))
        {
            // Credited to an account that is deleted when the transaction ends: the tip is gone, as it would be.
            coinbasePayment = UInt256.Zero;
        }

        return new TransactionResult(
            result.Status,
            gasUsed,
            blobGas,
            coinbasePayment,
            result.Output,
            result.IsSuccess ? result.CreatedAddress : null,
            _state.CopyLogs(),
            ReadSet(),
            _state.BuildWriteSet(Spec.ClearsEmptyAccounts));
    }

    private TransactionReadSet ReadSet() => BuildsReadSet ? _state.BuildReadSet() : TransactionReadSet.Empty;

    /// <summary>EIP-2929/2930/3651: the sender, the recipient, the declared access list and the coinbase start warm
    /// (the precompiles always are, see <see cref="JournaledState.SetAlwaysWarm"/>). A creation's own address is
    /// warmed when it is computed.</summary>
    private void WarmAccessList(Transaction transaction, AccountEntry sender, BlockContext block)
    {
        _state.WarmUp(sender);
        if (transaction.To is { } to)
        {
            _state.WarmUpAccount(to);
        }

        foreach (var entry in transaction.AccessList)
        {
            _state.WarmUpAccount(entry.Address);
            foreach (var key in entry.StorageKeys)
            {
                _state.WarmUpSlot(entry.Address, key.ToUInt256());
            }
        }

        if (Spec.WarmsCoinbase)
        {
            _state.WarmUpAccount(block.Coinbase);
        }
    }

    /// <summary>The checks of go-ethereum's pre-check and gas purchase, in its order, so that the first reason
    /// reported matches.</summary>
    private TransactionResult? Validate(
        Transaction transaction,
        BlockContext block,
        out Address sender,
        out AccountEntry senderAccount,
        out ulong intrinsicGas,
        out UInt256 gasPrice)
    {
        sender = default;
        senderAccount = null!; // set before the first check that can pass; unused after a rejection
        intrinsicGas = 0;
        gasPrice = default;
        var rules = Spec.TransactionRules;
        var typeActive = transaction.Type switch
        {
            TxType.Legacy => true,
            TxType.AccessList => rules.IsEip2930Enabled,
            TxType.DynamicFee => rules.IsEip1559Enabled,
            TxType.Blob => rules.IsEip4844Enabled,
            _ => false,
        };
        if (!typeActive)
        {
            return Reject(TransactionRejectionReason.UnsupportedType, $"{transaction.Type} transactions are not valid under {Spec.Name}.");
        }

        if (transaction.CheckChainId(block.ChainId) == ChainIdCheck.Mismatch)
        {
            return Reject(TransactionRejectionReason.InvalidChainId, $"The transaction is for chain {transaction.ChainId}; the block is on chain {block.ChainId}.");
        }

        if (!transaction.TryRecoverSender(out sender))
        {
            return Reject(TransactionRejectionReason.InvalidSignature, "No sender recovers from the signature.");
        }

        // Handed back so that the gas purchase and the access list do not look the sender up again.
        var account = senderAccount = _state.Account(sender);
        if (account.Nonce == ulong.MaxValue)
        {
            return Reject(TransactionRejectionReason.NonceMax, "The sender's nonce is 2^64-1 (EIP-2681).");
        }

        if (transaction.Nonce < account.Nonce)
        {
            return Reject(TransactionRejectionReason.NonceTooLow, $"Nonce {transaction.Nonce} is below the sender's nonce {account.Nonce}.");
        }

        if (transaction.Nonce > account.Nonce)
        {
            return Reject(TransactionRejectionReason.NonceTooHigh, $"Nonce {transaction.Nonce} is above the sender's nonce {account.Nonce}.");
        }

        if (account.CodeHash != AccountInfo.EmptyCodeHash)
        {
            return Reject(TransactionRejectionReason.SenderNotEoa, $"The sender {sender} has code (EIP-3607).");
        }

        var feeCap = transaction.FeeCap;
        var tipCap = transaction.TipCap;
        if (Spec.HasBaseFee)
        {
            if (feeCap < tipCap)
            {
                return Reject(TransactionRejectionReason.TipAboveFeeCap, $"The priority fee {tipCap} is above the fee cap {feeCap}.");
            }

            if (feeCap < block.BaseFee)
            {
                return Reject(TransactionRejectionReason.FeeCapBelowBaseFee, $"The fee cap {feeCap} is below the base fee {block.BaseFee}.");
            }

            var withTip = UInt256.AddOverflow(block.BaseFee, tipCap, out var sum) ? UInt256.MaxValue : sum;
            gasPrice = withTip < feeCap ? withTip : feeCap;
        }
        else
        {
            gasPrice = transaction.GasPrice;
        }

        if (transaction.Type == TxType.Blob)
        {
            var blobRejection = ValidateBlobFields(transaction, block);
            if (blobRejection is not null)
            {
                return blobRejection;
            }
        }

        // The balance must cover the worst case: the whole gas limit at the fee cap, the value, and the blobs at their cap.
        var overflow = MultiplyOverflow(feeCap, transaction.GasLimit, out var required);
        overflow |= UInt256.AddOverflow(required, transaction.Value, out required);
        if (transaction.Type == TxType.Blob)
        {
            overflow |= MultiplyOverflow(transaction.MaxFeePerBlobGas, transaction.BlobGas, out var blobCost);
            overflow |= UInt256.AddOverflow(required, blobCost, out required);
        }

        if (overflow || account.Balance < required)
        {
            return Reject(
                TransactionRejectionReason.InsufficientFunds,
                $"The sender's balance {account.Balance} does not cover gas limit × fee cap + value{(transaction.Type == TxType.Blob ? " + blob fees" : string.Empty)}.");
        }

        // Gas is a signed 64-bit count inside the EVM; go-ethereum caps block gas limits at 2^63-1 too.
        if (transaction.GasLimit > block.GasLimit || transaction.GasLimit > long.MaxValue)
        {
            return Reject(TransactionRejectionReason.GasLimitAboveBlockGasLimit, $"The gas limit {transaction.GasLimit} is above the block's {block.GasLimit}.");
        }

        try
        {
            intrinsicGas = IntrinsicGas.Calculate(transaction, rules);
        }
        catch (InvalidTransactionException e)
        {
            return Reject(TransactionRejectionReason.IntrinsicGasTooLow, e.Message);
        }

        if (transaction.GasLimit < intrinsicGas)
        {
            return Reject(TransactionRejectionReason.IntrinsicGasTooLow, $"The gas limit {transaction.GasLimit} is below the intrinsic gas {intrinsicGas}.");
        }

        if (transaction.IsContractCreation && transaction.Data.Length > Spec.MaxInitCodeSize)
        {
            return Reject(TransactionRejectionReason.InitCodeTooLarge, $"The init code has {transaction.Data.Length} bytes; at most {Spec.MaxInitCodeSize} are allowed (EIP-3860).");
        }

        return null;
    }

    private TransactionResult? ValidateBlobFields(Transaction transaction, BlockContext block)
    {
        if (transaction.To is null)
        {
            return Reject(TransactionRejectionReason.BlobContractCreation, "A blob transaction cannot create a contract.");
        }

        var hashes = transaction.BlobVersionedHashes;
        if (hashes.Count == 0)
        {
            return Reject(TransactionRejectionReason.MissingBlobHashes, "A blob transaction needs at least one blob.");
        }

        if (hashes.Count > Spec.TransactionRules.MaxBlobsPerBlock)
        {
            return Reject(TransactionRejectionReason.TooManyBlobs, $"{hashes.Count} blobs; a block holds at most {Spec.TransactionRules.MaxBlobsPerBlock}.");
        }

        foreach (var hash in hashes)
        {
            if (hash.Bytes[0] != BlobSidecar.KzgVersion)
            {
                return Reject(TransactionRejectionReason.InvalidBlobVersionedHash, $"Versioned hash {hash} does not start with 0x01.");
            }
        }

        var blobBaseFee = _vm.BlobBaseFee;
        if (transaction.MaxFeePerBlobGas < blobBaseFee)
        {
            return Reject(
                TransactionRejectionReason.BlobFeeCapBelowBlobBaseFee,
                $"The blob fee cap {transaction.MaxFeePerBlobGas} is below the blob base fee {blobBaseFee}.");
        }

        return null;
    }

    private TransactionResult Reject(TransactionRejectionReason reason, string message) =>
        TransactionResult.Rejected(reason, message, ReadSet());

    /// <summary><paramref name="value"/> × <paramref name="factor"/>; true when the product does not fit in 256 bits.</summary>
    private static bool MultiplyOverflow(in UInt256 value, ulong factor, out UInt256 product)
    {
        // Each limb product plus the carry stays below 2^128.
        var accumulator = (UInt128)value.U0 * factor;
        var r0 = (ulong)accumulator;
        accumulator = (accumulator >> 64) + ((UInt128)value.U1 * factor);
        var r1 = (ulong)accumulator;
        accumulator = (accumulator >> 64) + ((UInt128)value.U2 * factor);
        var r2 = (ulong)accumulator;
        accumulator = (accumulator >> 64) + ((UInt128)value.U3 * factor);
        product = new UInt256(r0, r1, r2, (ulong)accumulator);
        return (accumulator >> 64) != 0;
    }
}
