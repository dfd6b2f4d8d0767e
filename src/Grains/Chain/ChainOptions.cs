using Hyperion.Core;
using Hyperion.Core.Chain;

namespace Hyperion.Grains.Chain;

/// <summary>
/// One chain hosted by the grid: its genesis and its cadence. Every silo must be given the same options for a
/// chain (the genesis is written once, by whichever coordinator activation finds the block log empty).
/// </summary>
public sealed class ChainOptions
{
    public const int DefaultBlockTimeMs = 250;
    public const ulong DefaultGasLimit = 30_000_000;
    public const ulong DefaultInitialBaseFee = 1_000_000_000;

    public ulong ChainId { get; set; } = ChainConfig.HyperionGridChainId;

    /// <summary>Milliseconds between blocks; 0 seals blocks only on demand (<see cref="Abstractions.ISequencerGrain.SealBlockAsync"/>).</summary>
    public int BlockTimeMs { get; set; } = DefaultBlockTimeMs;

    /// <summary>Seal a block on every tick even with nothing pending.</summary>
    public bool EmptyBlocks { get; set; }

    public ulong GasLimit { get; set; } = DefaultGasLimit;

    /// <summary>The genesis block's base fee (wei); later blocks follow EIP-1559.</summary>
    public ulong InitialBaseFee { get; set; } = DefaultInitialBaseFee;

    /// <summary>The fee recipient of every block.</summary>
    public Address Coinbase { get; set; } = Address.Zero;

    /// <summary>Genesis balances.</summary>
    public IList<GenesisAllocation> Alloc { get; } = [];

    /// <summary>Transactions one sender may have waiting.</summary>
    public int MaxPendingPerSender { get; set; } = 1024;

    /// <summary>Transactions the mempool holds in all.</summary>
    public int MaxPendingTotal { get; set; } = 50_000;

    /// <summary>Threads of the Block-STM executor (0: the processor count).</summary>
    public int ExecutionThreads { get; set; }

    /// <summary>Every this many blocks the coordinator has the grains persist and records the point they confirmed.</summary>
    public int ConfirmEveryBlocks { get; set; } = 16;

    /// <summary>Every this many blocks the coordinator writes a whole-state checkpoint, so a restart replays at most this many blocks.</summary>
    public int CheckpointEveryBlocks { get; set; } = 256;

    /// <summary>
    /// The coordinator drops from memory the storage and code of a contract no block has used (called, changed or read
    /// from its contract grain) for this many blocks, once its contract grain has confirmed its last change; the
    /// contract's fields and storage root stay, and it is loaded back from the grain when a block or a call needs it.
    /// 0 keeps every contract in memory.
    /// </summary>
    public int EvictContractsAfterBlocks { get; set; } = 256;

    /// <summary>The most contracts (with storage or code) the coordinator keeps in memory; the least recently used
    /// confirmed ones are dropped first. 0: no limit but <see cref="EvictContractsAfterBlocks"/>.</summary>
    public int MaxResidentContracts { get; set; }
}

/// <summary>An account funded at genesis.</summary>
public sealed record GenesisAllocation(Address Address, UInt256 Balance);

/// <summary>The chains this silo hosts, by chain id.</summary>
public sealed class ChainRegistry
{
    private readonly Dictionary<ulong, ChainOptions> _chains;

    public ChainRegistry(IEnumerable<ChainOptions> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        _chains = chains.ToDictionary(chain => chain.ChainId);
    }

    public IReadOnlyCollection<ChainOptions> Chains => _chains.Values;

    public ChainOptions Get(ulong chainId) => _chains.TryGetValue(chainId, out var options)
        ? options
        : throw new InvalidOperationException(
            $"Chain {chainId} is not hosted by this grid (hosted: {string.Join(", ", _chains.Keys)}); start the silos with --chain-id {chainId}.");
}
