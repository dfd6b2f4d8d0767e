using Hyperion.Evm;

namespace Hyperion.Grains.Chain;

/// <summary>
/// geth's error words for a refused transaction, which tools match on (ethers, viem and wallets look for
/// "insufficient funds", "nonce too low", …), followed by our sentence with the figures.
/// </summary>
public static class GethErrors
{
    public static string Describe(TransactionRejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        var words = rejection.Reason switch
        {
            TransactionRejectionReason.NonceTooLow => "nonce too low",
            TransactionRejectionReason.NonceTooHigh => "nonce too high",
            TransactionRejectionReason.NonceMax => "nonce has max value",
            TransactionRejectionReason.InsufficientFunds => "insufficient funds for gas * price + value",
            TransactionRejectionReason.IntrinsicGasTooLow => "intrinsic gas too low",
            TransactionRejectionReason.FeeCapBelowBaseFee => "max fee per gas less than block base fee",
            TransactionRejectionReason.TipAboveFeeCap => "max priority fee per gas higher than max fee per gas",
            TransactionRejectionReason.GasLimitAboveBlockGasLimit => "gas limit reached",
            TransactionRejectionReason.SenderNotEoa => "sender not an eoa",
            TransactionRejectionReason.InitCodeTooLarge => "max initcode size exceeded",
            TransactionRejectionReason.InvalidChainId => "invalid chain id for signer",
            TransactionRejectionReason.UnsupportedType => "transaction type not supported",
            TransactionRejectionReason.InvalidSignature => "invalid sender",
            TransactionRejectionReason.BlobFeeCapBelowBlobBaseFee => "max fee per blob gas less than block blob gas fee",
            _ => null,
        };
        return words is null ? rejection.Message : $"{words}: {rejection.Message}";
    }
}
