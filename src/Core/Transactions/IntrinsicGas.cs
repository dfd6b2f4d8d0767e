using Hyperion.Core.Chain;

namespace Hyperion.Core.Transactions;

/// <summary>The gas a transaction pays before any code runs: the base cost, calldata, contract creation,
/// init code words (EIP-3860) and access-list entries (EIP-2930).</summary>
public static class IntrinsicGas
{
    public const ulong TransactionBase = 21_000;

    /// <summary>Added for contract creation from Homestead (EIP-2) on.</summary>
    public const ulong ContractCreation = 32_000;

    public const ulong ZeroDataByte = 4;

    /// <summary>EIP-2028 (Istanbul) lowered non-zero calldata from 68 to 16.</summary>
    public const ulong NonZeroDataByte = 16;

    public const ulong NonZeroDataByteFrontier = 68;

    /// <summary>EIP-3860: per 32-byte word of init code.</summary>
    public const ulong InitCodeWord = 2;

    public const ulong AccessListAddress = 2_400;

    public const ulong AccessListStorageKey = 1_900;

    /// <summary>The intrinsic gas of <paramref name="transaction"/> under <paramref name="rules"/>; throws
    /// <see cref="InvalidTransactionException"/> if it does not fit in 64 bits.</summary>
    public static ulong Calculate(Transaction transaction, ForkRules rules)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(rules);
        try
        {
            checked
            {
                var gas = TransactionBase;
                if (transaction.IsContractCreation && rules.IsEip2Enabled)
                {
                    gas += ContractCreation;
                }

                var data = transaction.Data;
                var zeros = (ulong)data.AsSpan().Count((byte)0);
                var nonZeros = (ulong)data.Length - zeros;
                gas += (zeros * ZeroDataByte) + (nonZeros * (rules.IsEip2028Enabled ? NonZeroDataByte : NonZeroDataByteFrontier));

                if (transaction.IsContractCreation && rules.IsEip3860Enabled)
                {
                    gas += ((((ulong)data.Length) + 31) / 32) * InitCodeWord;
                }

                foreach (var entry in transaction.AccessList)
                {
                    gas += AccessListAddress + ((ulong)entry.StorageKeys.Count * AccessListStorageKey);
                }

                return gas;
            }
        }
        catch (OverflowException e)
        {
            throw new InvalidTransactionException(InvalidTransactionReason.IntrinsicGasOverflow, "The intrinsic gas does not fit in 64 bits.", e);
        }
    }
}
