using Hyperion.Core;
using Hyperion.Core.Transactions;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// A block to execute: the context its transactions see, the transactions in order, and what the block itself
/// does before and after them (EIP-4788's beacon root system call, EIP-4895's withdrawals).
/// </summary>
public sealed record EvmBlock
{
    private static readonly IReadOnlyDictionary<ulong, Hash256> NoBlockHashes = new Dictionary<ulong, Hash256>();

    public required BlockContext Context { get; init; }

    public required IReadOnlyList<Transaction> Transactions { get; init; }

    /// <summary>Credited after the transactions (EIP-4895).</summary>
    public IReadOnlyList<Withdrawal> Withdrawals { get; init; } = [];

    /// <summary>When set, stored by the beacon roots contract before the transactions (EIP-4788).</summary>
    public Hash256? ParentBeaconBlockRoot { get; init; }

    /// <summary>The hashes of the (up to 256) ancestors, by number, for BLOCKHASH; a missing one reads as zero.</summary>
    public IReadOnlyDictionary<ulong, Hash256> BlockHashes { get; init; } = NoBlockHashes;
}
