using Hyperion.Core.Chain;

namespace Hyperion.Evm;

/// <summary>
/// Every fork's EVM rules, each the previous fork plus the EIPs that changed the EVM (the transaction-level
/// rules come from Core's <see cref="ForkRules"/>). Read top to bottom, this is the EVM's history.
/// </summary>
public static class EvmSpecs
{
    public static EvmSpec Frontier { get; } = FrontierInstructions.Build();

    public static EvmSpec Homestead { get; } = Frontier.Fork("Homestead", ForkRules.Homestead)
        .With(Eips.Eip2CreateFailsWithoutDepositGas)
        .With(Eips.Eip7DelegateCall);

    public static EvmSpec TangerineWhistle { get; } = Homestead.Fork("TangerineWhistle", ForkRules.Homestead)
        .With(Eips.Eip150IoRepricing);

    public static EvmSpec SpuriousDragon { get; } = TangerineWhistle.Fork("SpuriousDragon", ForkRules.SpuriousDragon)
        .With(Eips.Eip160ExpRepricing)
        .With(Eips.Eip161StateClearing)
        .With(Eips.Eip170CodeSizeLimit);

    public static EvmSpec Byzantium { get; } = SpuriousDragon.Fork("Byzantium", ForkRules.SpuriousDragon)
        .With(Eips.Eip140Revert)
        .With(Eips.Eip211ReturnData)
        .With(Eips.Eip214StaticCall);

    public static EvmSpec Constantinople { get; } = Byzantium.Fork("Constantinople", ForkRules.SpuriousDragon)
        .With(Eips.Eip145Shifts)
        .With(Eips.Eip1014Create2)
        .With(Eips.Eip1052ExtCodeHash)
        .With(Eips.Eip1283NetSstore);

    /// <summary>Constantinople without EIP-1283 (ConstantinopleFix).</summary>
    public static EvmSpec Petersburg { get; } = Byzantium.Fork("Petersburg", ForkRules.SpuriousDragon)
        .With(Eips.Eip145Shifts)
        .With(Eips.Eip1014Create2)
        .With(Eips.Eip1052ExtCodeHash);

    public static EvmSpec Istanbul { get; } = Petersburg.Fork("Istanbul", ForkRules.Istanbul)
        .With(Eips.Eip1344ChainId)
        .With(Eips.Eip1884Repricing)
        .With(Eips.Eip2200NetSstore);

    public static EvmSpec Berlin { get; } = Istanbul.Fork("Berlin", ForkRules.Berlin)
        .With(Eips.Eip2929AccessLists);

    public static EvmSpec London { get; } = Berlin.Fork("London", ForkRules.London)
        .With(Eips.Eip1559BaseFee)
        .With(Eips.Eip3198BaseFeeOpcode)
        .With(Eips.Eip3529ReducedRefunds)
        .With(Eips.Eip3541RejectEfCode);

    /// <summary>The merge.</summary>
    public static EvmSpec Paris { get; } = London.Fork("Paris", ForkRules.London)
        .With(Eips.Eip4399PrevRandao);

    public static EvmSpec Shanghai { get; } = Paris.Fork("Shanghai", ForkRules.Shanghai)
        .With(Eips.Eip3651WarmCoinbase)
        .With(Eips.Eip3855Push0)
        .With(Eips.Eip3860InitCodeLimit);

    public static EvmSpec Cancun { get; } = Shanghai.Fork("Cancun", ForkRules.Cancun)
        .With(Eips.Eip1153TransientStorage)
        .With(Eips.Eip4844BlobTransactions)
        .With(Eips.Eip5656Mcopy)
        .With(Eips.Eip6780SelfDestructOnlyNewContracts)
        .With(Eips.Eip7516BlobBaseFeeOpcode);

    /// <summary>Every fork, oldest first.</summary>
    public static IReadOnlyList<EvmSpec> All { get; } =
    [
        Frontier, Homestead, TangerineWhistle, SpuriousDragon, Byzantium, Constantinople, Petersburg,
        Istanbul, Berlin, London, Paris, Shanghai, Cancun,
    ];

    /// <summary>A fork by the name the ethereum/tests fixtures use ("ConstantinopleFix" and "Merge" included).</summary>
    public static EvmSpec? ByName(string name) => name switch
    {
        "ConstantinopleFix" => Petersburg,
        "Merge" => Paris,
        "EIP150" => TangerineWhistle,
        "EIP158" => SpuriousDragon,
        _ => All.FirstOrDefault(spec => string.Equals(spec.Name, name, StringComparison.OrdinalIgnoreCase)),
    };
}
