namespace Hyperion.Core.Chain;

/// <summary>
/// Which protocol changes are active, as plain data: later forks add a flag (and a preset) rather than
/// code paths keyed by fork names. The presets follow Ethereum's fork order; each one includes every
/// earlier change.
/// </summary>
public sealed record ForkRules
{
    public required string Name { get; init; }

    /// <summary>EIP-2: signatures need s ≤ n/2, and creating a contract costs 32000 more intrinsic gas.</summary>
    public bool IsEip2Enabled { get; init; }

    /// <summary>EIP-155: legacy transactions may carry the chain id in v.</summary>
    public bool IsEip155Enabled { get; init; }

    /// <summary>EIP-2028: non-zero calldata bytes cost 16 gas instead of 68.</summary>
    public bool IsEip2028Enabled { get; init; }

    /// <summary>EIP-2718 typed envelopes and EIP-2930 access-list transactions (type 0x01).</summary>
    public bool IsEip2930Enabled { get; init; }

    /// <summary>EIP-1559 dynamic-fee transactions (type 0x02).</summary>
    public bool IsEip1559Enabled { get; init; }

    /// <summary>EIP-3860: init code is limited to <see cref="MaxInitCodeSize"/> bytes and costs 2 gas per 32-byte word.</summary>
    public bool IsEip3860Enabled { get; init; }

    /// <summary>EIP-4844 blob transactions (type 0x03).</summary>
    public bool IsEip4844Enabled { get; init; }

    /// <summary>OP Stack deposit transactions (type 0x7E), which only the rollup's derivation creates.</summary>
    public bool AcceptsDepositTransactions { get; init; }

    /// <summary>EIP-3860's limit: twice EIP-170's 24576-byte code limit.</summary>
    public int MaxInitCodeSize { get; init; } = 49_152;

    /// <summary>Cancun's target-doubling limit: 786432 blob gas per block, 131072 per blob.</summary>
    public int MaxBlobsPerBlock { get; init; } = 6;

    public static ForkRules Frontier { get; } = new() { Name = "Frontier" };

    public static ForkRules Homestead { get; } = Frontier with { Name = "Homestead", IsEip2Enabled = true };

    public static ForkRules SpuriousDragon { get; } = Homestead with { Name = "SpuriousDragon", IsEip155Enabled = true };

    public static ForkRules Istanbul { get; } = SpuriousDragon with { Name = "Istanbul", IsEip2028Enabled = true };

    public static ForkRules Berlin { get; } = Istanbul with { Name = "Berlin", IsEip2930Enabled = true };

    public static ForkRules London { get; } = Berlin with { Name = "London", IsEip1559Enabled = true };

    public static ForkRules Shanghai { get; } = London with { Name = "Shanghai", IsEip3860Enabled = true };

    public static ForkRules Cancun { get; } = Shanghai with { Name = "Cancun", IsEip4844Enabled = true };

    /// <summary>Hyperion Grid's rules: Cancun plus the OP Stack's deposit transactions.</summary>
    public static ForkRules HyperionCancun { get; } = Cancun with { Name = "Cancun+Deposits", AcceptsDepositTransactions = true };
}
