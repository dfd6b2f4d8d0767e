namespace Hyperion.Core.Transactions;

/// <summary>How a transaction's chain id relates to the chain it is offered to.</summary>
public enum ChainIdCheck
{
    /// <summary>It names this chain (or it is a deposit, which the chain derives itself).</summary>
    Match,

    /// <summary>A legacy transaction without EIP-155: valid on every chain, so replayable. Policy decides.</summary>
    Unprotected,

    /// <summary>It names another chain.</summary>
    Mismatch,
}
