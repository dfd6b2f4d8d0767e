using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Grains.Chain;

/// <summary>
/// One account (key: chain id + address). Updates arrive from the block coordinator after each block is in the
/// block log; they are kept in memory and written on <see cref="FlushAsync"/> or deactivation, because the block
/// log, not this grain, is what makes a block durable.
/// </summary>
public sealed class AccountGrain(
    [PersistentState("account", ChainGrainStorage.ProviderName)] IPersistentState<AccountGrainState> state) : Grain, IAccountGrain
{
    private bool _dirty;

    public Task<AccountView> GetAsync()
    {
        var current = state.State;
        return Task.FromResult(new AccountView(
            current.Exists,
            current.Nonce,
            ChainGrainStorage.ReadWord(current.Balance),
            current.CodeHash is { Length: Hash256.Length } codeHash ? new Hash256(codeHash) : AccountInfo.EmptyCodeHash,
            current.Block));
    }

    public Task ApplyAsync(AccountUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var current = state.State;
        if (current.HasApplied && update.Block <= current.Block)
        {
            return Task.CompletedTask;
        }

        current.Exists = !update.Deleted;
        current.Nonce = update.Deleted ? 0 : update.Nonce;
        current.Balance = update.Deleted ? [] : ChainGrainStorage.WriteWord(update.Balance);
        current.CodeHash = update.Deleted ? [] : update.CodeHash.ToArray();
        current.Block = update.Block;
        current.HasApplied = true;
        _dirty = true;
        return Task.CompletedTask;
    }

    public async Task<bool> FlushAsync(ulong expectedBlock)
    {
        if (!state.State.HasApplied || state.State.Block < expectedBlock)
        {
            return false;
        }

        await WriteIfDirtyAsync().ConfigureAwait(true);
        return true;
    }

    private async Task WriteIfDirtyAsync()
    {
        if (_dirty)
        {
            await state.WriteStateAsync().ConfigureAwait(true);
            _dirty = false;
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A clean deactivation keeps what a flush would; a crash loses it, and the coordinator's replay restores it.
        await WriteIfDirtyAsync().ConfigureAwait(true);
        await base.OnDeactivateAsync(reason, cancellationToken).ConfigureAwait(true);
    }
}

/// <summary>The persisted account: plain properties, so any storage serializer (binary or JSON) keeps them.</summary>
[GenerateSerializer, Alias("hyperion.AccountGrainState")]
public sealed class AccountGrainState
{
    [Id(0)] public bool Exists { get; set; }

    [Id(1)] public ulong Nonce { get; set; }

    /// <summary>Big-endian, without leading zeros (empty is zero).</summary>
    [Id(2)] public byte[] Balance { get; set; } = [];

    [Id(3)] public byte[] CodeHash { get; set; } = [];

    /// <summary>The block whose state this is.</summary>
    [Id(4)] public ulong Block { get; set; }

    /// <summary>False until the first update (block 0, genesis, is a real update).</summary>
    [Id(5)] public bool HasApplied { get; set; }
}
