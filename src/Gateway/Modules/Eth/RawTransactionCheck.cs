using System.Globalization;
using System.Numerics;
using Hyperion.Core;
using Hyperion.Core.Chain;
using Hyperion.Core.Transactions;
using Hyperion.Gateway.JsonRpc;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// What the gateway checks of an <c>eth_sendRawTransaction</c> before the sequencer sees it: size, RLP, type,
/// replay protection, chain id, fee fields, signature and intrinsic gas, each refused with geth's words (code
/// -32000), so tools that match on them (ethers, viem, cast) behave as against geth. Checking here keeps malformed
/// or mis-signed transactions off the sequencer grain, which every valid transaction of the chain goes through.
/// </summary>
internal static class RawTransactionCheck
{
    /// <summary>geth's limit on a pooled transaction: four 32 KiB slots (for blob transactions, without the blobs).</summary>
    public const int MaxTransactionSize = 4 * 32 * 1024;

    /// <summary>geth's default <c>--rpc.txfeecap</c>: a transaction may not offer more than 1 ether in fees over RPC.</summary>
    public static readonly UInt256 TransactionFeeCap = new(1_000_000_000_000_000_000UL);

    private const byte BlobTypeByte = (byte)TxType.Blob;

    // One blob with its commitment, proof and RLP headers, for the size bound before decoding a blob transaction.
    private const int BlobWithProofSize = BlobSidecar.BlobLength + BlobSidecar.CommitmentLength + BlobSidecar.ProofLength + 16;

    /// <summary>Decodes and checks <paramref name="raw"/> (network form); returns the transaction and its sender.</summary>
    public static (Transaction Transaction, Address Sender) Check(ReadOnlySpan<byte> raw, ChainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var isBlob = !raw.IsEmpty && raw[0] == BlobTypeByte;
        var rawLimit = isBlob ? MaxTransactionSize + (config.Rules.MaxBlobsPerBlock * BlobWithProofSize) : MaxTransactionSize;
        if (raw.Length > rawLimit)
        {
            throw Refused($"oversized data: transaction size {raw.Length}, limit {rawLimit}");
        }

        Transaction transaction;
        try
        {
            transaction = Transaction.Decode(raw, TransactionForm.Network);
        }
        catch (InvalidTransactionException exception)
        {
            throw Refused(exception.Reason == InvalidTransactionReason.UnsupportedType
                ? "transaction type not supported"
                : exception.Message);
        }

        // Deposits come from L1 through the bridge, never from a user (op-geth refuses them the same way).
        if (transaction.Type == TxType.Deposit)
        {
            throw Refused("transaction type not supported");
        }

        if (isBlob)
        {
            var size = transaction.Encode().Length;
            if (size > MaxTransactionSize)
            {
                throw Refused($"oversized data: transaction size {size}, limit {MaxTransactionSize}");
            }
        }

        // geth's default: a transaction valid on every chain could be replayed from anywhere, so RPC refuses it.
        if (!transaction.IsReplayProtected)
        {
            throw Refused("only replay-protected (EIP-155) transactions allowed over RPC");
        }

        Address sender;
        try
        {
            sender = TransactionValidator.Validate(transaction, config);
        }
        catch (InvalidTransactionException exception)
        {
            throw Refused(Describe(exception, transaction, config));
        }

        CheckFeeCap(transaction);
        return (transaction, sender);
    }

    private static void CheckFeeCap(Transaction transaction)
    {
        // The validator has already refused a fee cap × gas that overflows 256 bits.
        var fee = transaction.FeeCap * new UInt256(transaction.GasLimit);
        if (fee > TransactionFeeCap)
        {
            var ether = (double)((BigInteger)transaction.FeeCap * transaction.GasLimit) / 1e18;
            throw Refused(string.Create(
                CultureInfo.InvariantCulture, $"tx fee ({ether:F2} ether) exceeds the configured cap (1.00 ether)"));
        }
    }

    /// <summary>geth's message for each refusal the validator can give; our own wording where geth has none.</summary>
    private static string Describe(InvalidTransactionException exception, Transaction transaction, ChainConfig config) =>
        exception.Reason switch
        {
            InvalidTransactionReason.UnsupportedType => "transaction type not supported",
            InvalidTransactionReason.InvalidChainId => "invalid chain id for signer",
            InvalidTransactionReason.InvalidSignature or InvalidTransactionReason.SignatureRecoveryFailed
                or InvalidTransactionReason.MissingSignature => "invalid sender: invalid transaction v, r, s values",
            InvalidTransactionReason.NonceMax => "nonce has max value",
            InvalidTransactionReason.TipAboveFeeCap => "max priority fee per gas higher than max fee per gas",
            InvalidTransactionReason.IntrinsicGasTooLow => string.Create(
                CultureInfo.InvariantCulture,
                $"intrinsic gas too low: gas {transaction.GasLimit}, minimum needed {IntrinsicGas.Calculate(transaction, config.Rules)}"),
            InvalidTransactionReason.InitCodeTooLarge => string.Create(
                CultureInfo.InvariantCulture,
                $"max initcode size exceeded: code size {transaction.Data.Length}, limit {config.Rules.MaxInitCodeSize}"),
            _ => exception.Message,
        };

    private static RpcException Refused(string message) => new(EthErrorCodes.ServerError, message);
}
