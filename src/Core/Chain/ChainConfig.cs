namespace Hyperion.Core.Chain;

/// <summary>What identifies a chain and which rules its transactions follow. Several chains can share a
/// grid, each with its own config.</summary>
public sealed record ChainConfig
{
    /// <summary>Hyperion Grid's default chain id.</summary>
    public const ulong HyperionGridChainId = 133_717;

    /// <summary>The EIP-155 chain id that signatures commit to.</summary>
    public ulong ChainId { get; init; } = HyperionGridChainId;

    public ForkRules Rules { get; init; } = ForkRules.HyperionCancun;

    /// <summary>Hyperion Grid with its default chain id and rules.</summary>
    public static ChainConfig Default { get; } = new();

    /// <summary>Ethereum mainnet's chain id (1) under Cancun, as the ethereum/tests fixtures assume.</summary>
    public static ChainConfig EthereumMainnet { get; } = new() { ChainId = 1, Rules = ForkRules.Cancun };
}
