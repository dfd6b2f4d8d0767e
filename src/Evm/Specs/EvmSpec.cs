using Hyperion.Core.Chain;

namespace Hyperion.Evm;

/// <summary>How SSTORE is priced and refunded.</summary>
public enum SstoreMetering
{
    /// <summary>20000 to set a zero slot, 5000 otherwise, 15000 refunded for a clear.</summary>
    Frontier,

    /// <summary>EIP-1283 (Constantinople only): net metering against the slot's original value.</summary>
    Eip1283,

    /// <summary>EIP-2200 (Istanbul): EIP-1283 with the 2300 stipend sentry.</summary>
    Eip2200,

    /// <summary>EIP-2200 priced with EIP-2929's cold and warm slots (Berlin on).</summary>
    Eip2929,
}

/// <summary>
/// The EVM rules of one fork as data: the opcode table and the parameters that are not per opcode. Forks
/// are built from the previous one plus named EIPs (see <see cref="EvmSpecs"/>), so a later fork is one more
/// line there rather than new branches in the interpreter.
/// </summary>
public sealed class EvmSpec
{
    internal EvmSpec(EvmSpecBuilder builder)
    {
        Name = builder.Name;
        TransactionRules = builder.TransactionRules;
        Instructions = new InstructionSet((OpcodeInfo[])builder.Table.Clone());
        Eips = [.. builder.Eips];
        CallGasAllButOne64th = builder.CallGasAllButOne64th;
        ExpByteGas = builder.ExpByteGas;
        ClearsEmptyAccounts = builder.ClearsEmptyAccounts;
        MaxCodeSize = builder.MaxCodeSize;
        FailsCreateWithoutCodeDepositGas = builder.FailsCreateWithoutCodeDepositGas;
        Sstore = builder.Sstore;
        SstoreClearRefund = builder.SstoreClearRefund;
        SelfDestructRefund = builder.SelfDestructRefund;
        MaxRefundQuotient = builder.MaxRefundQuotient;
        HasAccessLists = builder.HasAccessLists;
        RejectsCodeStartingWithEf = builder.RejectsCodeStartingWithEf;
        WarmsCoinbase = builder.WarmsCoinbase;
        MaxInitCodeSize = builder.MaxInitCodeSize;
        SelfDestructsOnlyNewContracts = builder.SelfDestructsOnlyNewContracts;
        HasBaseFee = builder.HasBaseFee;
        HasBlobs = builder.HasBlobs;
    }

    public string Name { get; }

    /// <summary>The transaction-level rules in Core (types, intrinsic gas) that go with this fork.</summary>
    public ForkRules TransactionRules { get; }

    public InstructionSet Instructions { get; }

    /// <summary>The EIPs applied since Frontier, in order.</summary>
    public IReadOnlyList<Eip> Eips { get; }

    /// <summary>EIP-150: a call gets at most all but one 64th of the remaining gas.</summary>
    public bool CallGasAllButOne64th { get; }

    /// <summary>EXP's price per byte of exponent (EIP-160 raised it).</summary>
    public long ExpByteGas { get; }

    /// <summary>EIP-161: touched empty accounts are deleted, new contracts start at nonce 1, and the new-account
    /// charge of a call depends on emptiness rather than existence.</summary>
    public bool ClearsEmptyAccounts { get; }

    /// <summary>EIP-170's deployed code limit (no limit before).</summary>
    public int MaxCodeSize { get; }

    /// <summary>EIP-2 (Homestead): a creation that cannot pay its code deposit fails instead of deploying nothing.</summary>
    public bool FailsCreateWithoutCodeDepositGas { get; }

    public SstoreMetering Sstore { get; }

    public long SstoreClearRefund { get; }

    public long SelfDestructRefund { get; }

    /// <summary>The refund is capped at gas used / this (2, or 5 from EIP-3529).</summary>
    public int MaxRefundQuotient { get; }

    /// <summary>EIP-2929/2930: warm and cold accounts and slots.</summary>
    public bool HasAccessLists { get; }

    /// <summary>EIP-3541: new code may not start with 0xEF.</summary>
    public bool RejectsCodeStartingWithEf { get; }

    /// <summary>EIP-3651: the coinbase is warm from the start.</summary>
    public bool WarmsCoinbase { get; }

    /// <summary>EIP-3860's init code limit; int.MaxValue when unlimited.</summary>
    public int MaxInitCodeSize { get; }

    /// <summary>EIP-6780: SELFDESTRUCT deletes only a contract created in the same transaction.</summary>
    public bool SelfDestructsOnlyNewContracts { get; }

    /// <summary>EIP-1559: the block has a base fee that is burned.</summary>
    public bool HasBaseFee { get; }

    /// <summary>EIP-4844: blob transactions and the blob base fee.</summary>
    public bool HasBlobs { get; }

    public bool LimitsInitCode => MaxInitCodeSize != int.MaxValue;

    /// <summary>This fork plus <paramref name="eip"/>.</summary>
    public EvmSpec With(Eip eip)
    {
        ArgumentNullException.ThrowIfNull(eip);
        var builder = new EvmSpecBuilder(this);
        builder.Apply(eip);
        return builder.Build();
    }

    /// <summary>This fork's rules under a new name (a fork that only changes what lies outside the EVM starts so).</summary>
    public EvmSpec Fork(string name, ForkRules transactionRules)
    {
        var builder = new EvmSpecBuilder(this) { Name = name, TransactionRules = transactionRules };
        return builder.Build();
    }

    public override string ToString() => Name;
}

/// <summary>A named protocol change, applied to a fork's <see cref="EvmSpecBuilder"/>.</summary>
public sealed record Eip(int Number, string Title, Action<EvmSpecBuilder> Apply)
{
    public override string ToString() => $"EIP-{Number}: {Title}";
}

/// <summary>The mutable form of an <see cref="EvmSpec"/> that EIPs change.</summary>
public sealed unsafe class EvmSpecBuilder
{
    internal EvmSpecBuilder(string name, ForkRules transactionRules)
    {
        Name = name;
        TransactionRules = transactionRules;
        Table = new OpcodeInfo[256];
        for (var i = 0; i < Table.Length; i++)
        {
            Table[i] = UndefinedOpcode();
        }
    }

    internal EvmSpecBuilder(EvmSpec spec)
    {
        Name = spec.Name;
        TransactionRules = spec.TransactionRules;
        Table = (OpcodeInfo[])spec.Instructions.Table.Clone();
        Eips.AddRange(spec.Eips);
        CallGasAllButOne64th = spec.CallGasAllButOne64th;
        ExpByteGas = spec.ExpByteGas;
        ClearsEmptyAccounts = spec.ClearsEmptyAccounts;
        MaxCodeSize = spec.MaxCodeSize;
        FailsCreateWithoutCodeDepositGas = spec.FailsCreateWithoutCodeDepositGas;
        Sstore = spec.Sstore;
        SstoreClearRefund = spec.SstoreClearRefund;
        SelfDestructRefund = spec.SelfDestructRefund;
        MaxRefundQuotient = spec.MaxRefundQuotient;
        HasAccessLists = spec.HasAccessLists;
        RejectsCodeStartingWithEf = spec.RejectsCodeStartingWithEf;
        WarmsCoinbase = spec.WarmsCoinbase;
        MaxInitCodeSize = spec.MaxInitCodeSize;
        SelfDestructsOnlyNewContracts = spec.SelfDestructsOnlyNewContracts;
        HasBaseFee = spec.HasBaseFee;
        HasBlobs = spec.HasBlobs;
    }

    public string Name { get; set; }

    public ForkRules TransactionRules { get; set; }

    internal OpcodeInfo[] Table { get; }

    internal List<Eip> Eips { get; } = [];

    public bool CallGasAllButOne64th { get; set; }

    public long ExpByteGas { get; set; } = GasCosts.ExpByteFrontier;

    public bool ClearsEmptyAccounts { get; set; }

    public int MaxCodeSize { get; set; } = int.MaxValue;

    public bool FailsCreateWithoutCodeDepositGas { get; set; }

    public SstoreMetering Sstore { get; set; } = SstoreMetering.Frontier;

    public long SstoreClearRefund { get; set; } = GasCosts.SstoreClearRefundFrontier;

    public long SelfDestructRefund { get; set; } = GasCosts.SelfDestructRefundFrontier;

    public int MaxRefundQuotient { get; set; } = 2;

    public bool HasAccessLists { get; set; }

    public bool RejectsCodeStartingWithEf { get; set; }

    public bool WarmsCoinbase { get; set; }

    public int MaxInitCodeSize { get; set; } = int.MaxValue;

    public bool SelfDestructsOnlyNewContracts { get; set; }

    public bool HasBaseFee { get; set; }

    public bool HasBlobs { get; set; }

    /// <summary>Defines (or redefines) an opcode.</summary>
    public void Define(
        Opcode opcode,
        delegate*<EvmFrame, EvmStatus> handler,
        long staticGas,
        int inputs,
        int outputs,
        MemoryAccess memory = default)
    {
        var growth = Math.Max(0, outputs - inputs);
        Table[(byte)opcode] = new OpcodeInfo
        {
            Handler = handler,
            StaticGas = staticGas,
            Inputs = (short)inputs,
            Outputs = (short)outputs,
            MaxStackBefore = (short)(InstructionSet.MaxStackSize - growth),
            Memory = memory,
            IsDefined = true,
        };
    }

    /// <summary>Changes an opcode's static gas (the repricing EIPs).</summary>
    public void Reprice(Opcode opcode, long staticGas)
    {
        if (!Table[(byte)opcode].IsDefined)
        {
            throw new InvalidOperationException($"{opcode} is not defined in {Name}; it cannot be repriced.");
        }

        Table[(byte)opcode].StaticGas = staticGas;
    }

    /// <summary>Swaps an opcode's handler, keeping its gas and stack effect.</summary>
    public void Rebind(Opcode opcode, delegate*<EvmFrame, EvmStatus> handler)
    {
        if (!Table[(byte)opcode].IsDefined)
        {
            throw new InvalidOperationException($"{opcode} is not defined in {Name}; it cannot be rebound.");
        }

        Table[(byte)opcode].Handler = handler;
    }

    public void Undefine(Opcode opcode) => Table[(byte)opcode] = UndefinedOpcode();

    internal void Apply(Eip eip)
    {
        eip.Apply(this);
        Eips.Add(eip);
    }

    internal EvmSpec Build() => new(this);

    private static OpcodeInfo UndefinedOpcode() => new()
    {
        Handler = &Instructions.Undefined,
        StaticGas = 0,
        Inputs = 0,
        Outputs = 0,
        MaxStackBefore = InstructionSet.MaxStackSize,
        IsDefined = false,
    };
}
