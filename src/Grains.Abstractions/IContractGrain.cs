using Hyperion.Core;
using Orleans.Concurrency;

namespace Hyperion.Grains.Abstractions;

/// <summary>
/// The code and storage of one contract of one chain (key: chain id + address), with its own storage root, so
/// storage and its commitment spread over the silos. Updated by the block coordinator behind the block log, like
/// <see cref="IAccountGrain"/>.
/// </summary>
public interface IContractGrain : IGrainWithIntegerCompoundKey
{
    [ReadOnly]
    Task<byte[]> GetCodeAsync();

    [ReadOnly]
    Task<UInt256> GetStorageAsync(UInt256 slot);

    /// <summary>Every non-zero slot, for a cache that loads the contract whole.</summary>
    [ReadOnly]
    Task<ContractStorage> GetAllStorageAsync();

    /// <summary>Code and every non-zero slot in one call: what the block coordinator loads back a contract it evicted with.</summary>
    [ReadOnly]
    Task<ContractContents> GetContentsAsync();

    /// <summary>The root of the contract's storage trie (the empty trie's root when it has none).</summary>
    [ReadOnly]
    Task<Hash256> GetStorageRootAsync();

    /// <summary>Applies the contract's changes in block <see cref="ContractUpdate.Block"/>; an older or repeated block is ignored.</summary>
    Task ApplyAsync(ContractUpdate update);

    /// <summary>
    /// Persists the state if it changed since the last write. False when this activation does not have block
    /// <paramref name="expectedBlock"/> (its silo died after the update reached it): the caller must apply the
    /// blocks again before it counts them as persisted.
    /// </summary>
    Task<bool> FlushAsync(ulong expectedBlock);
}

/// <summary>Slots and values in matching order, as of block <paramref name="AsOfBlock"/>.</summary>
[GenerateSerializer, Alias("hyperion.ContractStorage")]
public sealed record ContractStorage(UInt256[] Slots, UInt256[] Values, ulong AsOfBlock);

/// <summary>Code, and slots and values in matching order, as of block <paramref name="AsOfBlock"/>.</summary>
[GenerateSerializer, Alias("hyperion.ContractContents")]
public sealed record ContractContents(byte[] Code, UInt256[] Slots, UInt256[] Values, ulong AsOfBlock);

/// <summary>
/// A contract's changes in one block: when <paramref name="Deleted"/>, code and storage are gone; otherwise storage is
/// wiped first when <paramref name="StorageCleared"/>, the code is set when <paramref name="Code"/> is given, and
/// then each slot gets its value (zero removes it).
/// </summary>
[GenerateSerializer, Alias("hyperion.ContractUpdate")]
public sealed record ContractUpdate(ulong Block, bool Deleted, bool StorageCleared, byte[]? Code, UInt256[] Slots, UInt256[] Values);
