namespace Hyperion.Evm;

/// <summary>The gas schedule's named constants (Yellow Paper appendix G and the EIPs that changed it). Which
/// of them apply under a fork is decided by <see cref="EvmSpec"/> and its <see cref="InstructionSet"/>.</summary>
public static class GasCosts
{
    public const long Zero = 0;
    public const long Base = 2;
    public const long VeryLow = 3;
    public const long Low = 5;
    public const long Mid = 8;
    public const long High = 10;
    public const long JumpDest = 1;

    public const long Exp = 10;
    public const long ExpByteFrontier = 10;

    /// <summary>EIP-160 (Spurious Dragon) repriced each byte of the exponent.</summary>
    public const long ExpByteEip160 = 50;

    public const long Keccak256 = 30;
    public const long Keccak256Word = 6;
    public const long CopyWord = 3;
    public const long Memory = 3;
    public const long QuadraticMemoryDivisor = 512;

    public const long Log = 375;
    public const long LogTopic = 375;
    public const long LogDataByte = 8;

    public const long BlockHash = 20;

    public const long Create = 32_000;
    public const long CodeDepositByte = 200;

    /// <summary>EIP-3860: per 32-byte word of init code, for CREATE and CREATE2 alike.</summary>
    public const long InitCodeWord = 2;

    public const long CallValueTransfer = 9_000;
    public const long CallNewAccount = 25_000;

    /// <summary>Handed to the callee free of charge with a value transfer, so a receiving wallet can log.</summary>
    public const long CallStipend = 2_300;

    public const long SelfDestructEip150 = 5_000;
    public const long SelfDestructNewAccount = 25_000;
    public const long SelfDestructRefundFrontier = 24_000;

    // EIP-2929 (Berlin): the first touch of an address or a slot in a transaction is cold.
    public const long ColdAccountAccess = 2_600;
    public const long ColdSload = 2_100;
    public const long WarmStorageRead = 100;

    // Frontier's SSTORE, and the net metering of EIP-2200 (Istanbul) built on the same numbers.
    public const long SstoreSet = 20_000;
    public const long SstoreReset = 5_000;
    public const long SstoreClearRefundFrontier = 15_000;

    /// <summary>EIP-3529 (London): a clear refunds SSTORE_RESET - COLD_SLOAD + ACCESS_LIST_STORAGE_KEY.</summary>
    public const long SstoreClearRefundEip3529 = 4_800;

    /// <summary>EIP-2200: SSTORE fails when no more than the call stipend is left, so stipend calls cannot write.</summary>
    public const long SstoreSentry = 2_300;

    // EIP-1283 (Constantinople only) and EIP-2200 before EIP-2929: a dirty slot costs the SLOAD price.
    public const long SstoreNoopEip1283 = 200;

    public const long TransientStorage = 100;
}
