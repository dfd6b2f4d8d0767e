namespace Hyperion.Evm;

/// <summary>
/// The EIPs that changed the EVM, each as what it does to a fork's opcode table and parameters. A new fork
/// (Prague's EIP-7702 delegations, EIP-2537 BLS precompiles, EIP-7623 calldata floor) adds entries here and
/// one line in <see cref="EvmSpecs"/>.
/// </summary>
public static unsafe class Eips
{
    public static Eip Eip2CreateFailsWithoutDepositGas { get; } =
        new(2, "Homestead: a creation that cannot pay its code deposit fails", b => b.FailsCreateWithoutCodeDepositGas = true);

    public static Eip Eip7DelegateCall { get; } = new(7, "DELEGATECALL", AddDelegateCall);

    public static Eip Eip150IoRepricing { get; } = new(150, "Gas cost changes for IO-heavy operations; all but one 64th to calls", RepriceIo);

    public static Eip Eip160ExpRepricing { get; } = new(160, "EXP cost increase", b => b.ExpByteGas = GasCosts.ExpByteEip160);

    public static Eip Eip161StateClearing { get; } = new(161, "State trie clearing: empty touched accounts are deleted", b => b.ClearsEmptyAccounts = true);

    public static Eip Eip170CodeSizeLimit { get; } = new(170, "Contract code size limit", b => b.MaxCodeSize = 24_576);

    public static Eip Eip140Revert { get; } = new(140, "REVERT", AddRevert);

    public static Eip Eip211ReturnData { get; } = new(211, "RETURNDATASIZE and RETURNDATACOPY", AddReturnData);

    public static Eip Eip214StaticCall { get; } = new(214, "STATICCALL", AddStaticCall);

    public static Eip Eip145Shifts { get; } = new(145, "Bitwise shifting: SHL, SHR, SAR", AddShifts);

    public static Eip Eip1014Create2 { get; } = new(1014, "CREATE2", AddCreate2);

    public static Eip Eip1052ExtCodeHash { get; } = new(1052, "EXTCODEHASH", AddExtCodeHash);

    public static Eip Eip1283NetSstore { get; } = new(1283, "Net gas metering for SSTORE without dirty maps", b => b.Sstore = SstoreMetering.Eip1283);

    public static Eip Eip1344ChainId { get; } = new(1344, "CHAINID", AddChainId);

    public static Eip Eip1884Repricing { get; } = new(1884, "Repricing for trie-size-dependent opcodes; SELFBALANCE", RepriceTrieReads);

    public static Eip Eip2200NetSstore { get; } = new(2200, "Structured definitions for net gas metering", b => b.Sstore = SstoreMetering.Eip2200);

    public static Eip Eip2929AccessLists { get; } = new(2929, "Gas cost increases for state access opcodes (cold and warm)", AddAccessLists);

    public static Eip Eip1559BaseFee { get; } = new(1559, "Fee market change: a burned base fee", b => b.HasBaseFee = true);

    public static Eip Eip3198BaseFeeOpcode { get; } = new(3198, "BASEFEE", AddBaseFee);

    public static Eip Eip3529ReducedRefunds { get; } = new(3529, "Reduction in refunds", ReduceRefunds);

    public static Eip Eip3541RejectEfCode { get; } = new(3541, "Reject new contract code starting with 0xEF", b => b.RejectsCodeStartingWithEf = true);

    public static Eip Eip4399PrevRandao { get; } = new(4399, "DIFFICULTY becomes PREVRANDAO", UsePrevRandao);

    public static Eip Eip3651WarmCoinbase { get; } = new(3651, "Warm COINBASE", b => b.WarmsCoinbase = true);

    public static Eip Eip3855Push0 { get; } = new(3855, "PUSH0", AddPush0);

    public static Eip Eip3860InitCodeLimit { get; } = new(3860, "Limit and meter init code", b => b.MaxInitCodeSize = 49_152);

    public static Eip Eip1153TransientStorage { get; } = new(1153, "Transient storage: TLOAD and TSTORE", AddTransientStorage);

    public static Eip Eip4844BlobTransactions { get; } = new(4844, "Shard blob transactions: BLOBHASH", AddBlobHash);

    public static Eip Eip5656Mcopy { get; } = new(5656, "MCOPY", AddMcopy);

    public static Eip Eip6780SelfDestructOnlyNewContracts { get; } =
        new(6780, "SELFDESTRUCT only in the same transaction", b => b.SelfDestructsOnlyNewContracts = true);

    public static Eip Eip7516BlobBaseFeeOpcode { get; } = new(7516, "BLOBBASEFEE", AddBlobBaseFee);

    private static void AddDelegateCall(EvmSpecBuilder b) =>
        b.Define(Opcode.DELEGATECALL, &Instructions.DelegateCall, 40, 6, 1, MemoryAccess.Ranges(2, 3, 4, 5));

    private static void RepriceIo(EvmSpecBuilder b)
    {
        b.CallGasAllButOne64th = true;
        b.Reprice(Opcode.EXTCODESIZE, 700);
        b.Reprice(Opcode.EXTCODECOPY, 700);
        b.Reprice(Opcode.BALANCE, 400);
        b.Reprice(Opcode.SLOAD, 200);
        b.Reprice(Opcode.CALL, 700);
        b.Reprice(Opcode.CALLCODE, 700);
        b.Reprice(Opcode.DELEGATECALL, 700);
        b.Reprice(Opcode.SELFDESTRUCT, GasCosts.SelfDestructEip150);
    }

    private static void AddRevert(EvmSpecBuilder b) =>
        b.Define(Opcode.REVERT, &Instructions.Revert, GasCosts.Zero, 2, 0, MemoryAccess.Range(0, 1));

    private static void AddReturnData(EvmSpecBuilder b)
    {
        b.Define(Opcode.RETURNDATASIZE, &Instructions.ReturnDataSize, GasCosts.Base, 0, 1);
        b.Define(Opcode.RETURNDATACOPY, &Instructions.ReturnDataCopy, GasCosts.VeryLow, 3, 0, MemoryAccess.Range(0, 2));
    }

    private static void AddStaticCall(EvmSpecBuilder b) =>
        b.Define(Opcode.STATICCALL, &Instructions.StaticCall, 700, 6, 1, MemoryAccess.Ranges(2, 3, 4, 5));

    private static void AddShifts(EvmSpecBuilder b)
    {
        b.Define(Opcode.SHL, &Instructions.Shl, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.SHR, &Instructions.Shr, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.SAR, &Instructions.Sar, GasCosts.VeryLow, 2, 1);
    }

    private static void AddCreate2(EvmSpecBuilder b) =>
        b.Define(Opcode.CREATE2, &Instructions.Create2, GasCosts.Create, 4, 1, MemoryAccess.Range(1, 2));

    private static void AddExtCodeHash(EvmSpecBuilder b) =>
        b.Define(Opcode.EXTCODEHASH, &Instructions.ExtCodeHash, 400, 1, 1);

    private static void AddChainId(EvmSpecBuilder b) =>
        b.Define(Opcode.CHAINID, &Instructions.ChainId, GasCosts.Base, 0, 1);

    private static void RepriceTrieReads(EvmSpecBuilder b)
    {
        b.Reprice(Opcode.SLOAD, 800);
        b.Reprice(Opcode.BALANCE, 700);
        b.Reprice(Opcode.EXTCODEHASH, 700);
        b.Define(Opcode.SELFBALANCE, &Instructions.SelfBalance, GasCosts.Low, 0, 1);
    }

    /// <summary>The table keeps the warm price; handlers add the cold surcharge on first access.</summary>
    private static void AddAccessLists(EvmSpecBuilder b)
    {
        b.HasAccessLists = true;
        b.Sstore = SstoreMetering.Eip2929;
        b.Reprice(Opcode.SLOAD, GasCosts.WarmStorageRead);
        b.Reprice(Opcode.BALANCE, GasCosts.WarmStorageRead);
        b.Reprice(Opcode.EXTCODESIZE, GasCosts.WarmStorageRead);
        b.Reprice(Opcode.EXTCODECOPY, GasCosts.WarmStorageRead);
        b.Reprice(Opcode.EXTCODEHASH, GasCosts.WarmStorageRead);
        b.Reprice(Opcode.CALL, GasCosts.WarmStorageRead);
        b.Reprice(Opcode.CALLCODE, GasCosts.WarmStorageRead);
        b.Reprice(Opcode.DELEGATECALL, GasCosts.WarmStorageRead);
        b.Reprice(Opcode.STATICCALL, GasCosts.WarmStorageRead);
    }

    private static void AddBaseFee(EvmSpecBuilder b) =>
        b.Define(Opcode.BASEFEE, &Instructions.BaseFee, GasCosts.Base, 0, 1);

    private static void ReduceRefunds(EvmSpecBuilder b)
    {
        b.SstoreClearRefund = GasCosts.SstoreClearRefundEip3529;
        b.SelfDestructRefund = 0;
        b.MaxRefundQuotient = 5;
    }

    private static void UsePrevRandao(EvmSpecBuilder b) => b.Rebind(Opcode.PREVRANDAO, &Instructions.PrevRandao);

    private static void AddPush0(EvmSpecBuilder b) =>
        b.Define(Opcode.PUSH0, &Instructions.Push0, GasCosts.Base, 0, 1);

    private static void AddTransientStorage(EvmSpecBuilder b)
    {
        b.Define(Opcode.TLOAD, &Instructions.TLoad, GasCosts.TransientStorage, 1, 1);
        b.Define(Opcode.TSTORE, &Instructions.TStore, GasCosts.TransientStorage, 2, 0);
    }

    private static void AddBlobHash(EvmSpecBuilder b)
    {
        b.HasBlobs = true;
        b.Define(Opcode.BLOBHASH, &Instructions.BlobHash, GasCosts.VeryLow, 1, 1);
    }

    private static void AddMcopy(EvmSpecBuilder b) =>
        b.Define(Opcode.MCOPY, &Instructions.MCopy, GasCosts.VeryLow, 3, 0, MemoryAccess.Ranges(0, 2, 1, 2));

    private static void AddBlobBaseFee(EvmSpecBuilder b) =>
        b.Define(Opcode.BLOBBASEFEE, &Instructions.BlobBaseFee, GasCosts.Base, 0, 1);
}
