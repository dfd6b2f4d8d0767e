using Hyperion.Core;
using Orleans.Concurrency;

namespace Hyperion.Grains.Abstractions;

/// <summary>
/// One account of one chain (key: chain id + address): nonce, balance, code hash. The durable, sharded copy of the
/// state that RPC reads ask. The block coordinator updates it after each block is in the block log; the grain keeps
/// the update in memory and persists when asked to flush (or when it deactivates), because a storage write per
/// account per block would cap the chain at the storage's write rate.
/// </summary>
public interface IAccountGrain : IGrainWithIntegerCompoundKey
{
    [ReadOnly]
    Task<AccountView> GetAsync();

    /// <summary>Applies the account's state after block <see cref="AccountUpdate.Block"/>; an older or repeated block is ignored.</summary>
    Task ApplyAsync(AccountUpdate update);

    /// <summary>
    /// Persists the state if it changed since the last write. False when this activation does not have block
    /// <paramref name="expectedBlock"/> (its silo died after the update reached it): the caller must apply the
    /// blocks again before it counts them as persisted.
    /// </summary>
    Task<bool> FlushAsync(ulong expectedBlock);
}

/// <summary>An account as of block <paramref name="AsOfBlock"/>.</summary>
[GenerateSerializer, Alias("hyperion.AccountView")]
public sealed record AccountView(bool Exists, ulong Nonce, UInt256 Balance, Hash256 CodeHash, ulong AsOfBlock);

/// <summary>An account's fields after block <paramref name="Block"/>; <paramref name="Deleted"/> when it no longer exists.</summary>
[GenerateSerializer, Alias("hyperion.AccountUpdate")]
public sealed record AccountUpdate(ulong Block, bool Deleted, ulong Nonce, UInt256 Balance, Hash256 CodeHash);
