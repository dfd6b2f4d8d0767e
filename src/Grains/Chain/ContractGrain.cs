using Hyperion.Core;
using Hyperion.Grains.Abstractions;
using Hyperion.State;

namespace Hyperion.Grains.Chain;

/// <summary>
/// One contract's code and storage (key: chain id + address), with its own storage root computed here, so storage
/// and its commitment spread over the silos. Updated and persisted like <see cref="AccountGrain"/>.
/// </summary>
public sealed class ContractGrain(
    [PersistentState("contract", ChainGrainStorage.ProviderName)] IPersistentState<ContractGrainState> state) : Grain, IContractGrain
{
    private Dictionary<UInt256, UInt256> _storage = [];
    private Hash256? _storageRoot;
    private bool _dirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var persisted = state.State;
        _storage = new Dictionary<UInt256, UInt256>(persisted.Slots.Count);
        for (var i = 0; i < persisted.Slots.Count && i < persisted.Values.Count; i++)
        {
            _storage[ChainGrainStorage.ReadWord(persisted.Slots[i])] = ChainGrainStorage.ReadWord(persisted.Values[i]);
        }

        return base.OnActivateAsync(cancellationToken);
    }

    public Task<byte[]> GetCodeAsync() => Task.FromResult(state.State.Code);

    public Task<UInt256> GetStorageAsync(UInt256 slot) =>
        Task.FromResult(_storage.TryGetValue(slot, out var value) ? value : UInt256.Zero);

    public Task<ContractStorage> GetAllStorageAsync() =>
        Task.FromResult(new ContractStorage([.. _storage.Keys], [.. _storage.Values], state.State.Block));

    public Task<ContractContents> GetContentsAsync() =>
        Task.FromResult(new ContractContents(state.State.Code, [.. _storage.Keys], [.. _storage.Values], state.State.Block));

    public Task<Hash256> GetStorageRootAsync()
    {
        if (_storageRoot is null)
        {
            var trie = new StorageTrie();
            foreach (var (slot, value) in _storage)
            {
                trie.Set(slot, value);
            }

            _storageRoot = trie.RootHash;
        }

        return Task.FromResult(_storageRoot.Value);
    }

    public Task ApplyAsync(ContractUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var persisted = state.State;
        if (persisted.HasApplied && update.Block <= persisted.Block)
        {
            return Task.CompletedTask;
        }

        if (update.Deleted || update.StorageCleared)
        {
            _storage.Clear();
        }

        if (update.Deleted)
        {
            persisted.Code = [];
        }
        else if (update.Code is not null)
        {
            persisted.Code = update.Code;
        }

        for (var i = 0; i < update.Slots.Length; i++)
        {
            if (update.Values[i].IsZero)
            {
                _storage.Remove(update.Slots[i]);
            }
            else
            {
                _storage[update.Slots[i]] = update.Values[i];
            }
        }

        persisted.Block = update.Block;
        persisted.HasApplied = true;
        _storageRoot = null;
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
        if (!_dirty)
        {
            return;
        }

        var persisted = state.State;
        persisted.Slots = new List<byte[]>(_storage.Count);
        persisted.Values = new List<byte[]>(_storage.Count);
        foreach (var (slot, value) in _storage)
        {
            persisted.Slots.Add(ChainGrainStorage.WriteWord(slot));
            persisted.Values.Add(ChainGrainStorage.WriteWord(value));
        }

        await state.WriteStateAsync().ConfigureAwait(true);
        _dirty = false;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await WriteIfDirtyAsync().ConfigureAwait(true);
        await base.OnDeactivateAsync(reason, cancellationToken).ConfigureAwait(true);
    }
}

/// <summary>The persisted contract: code and non-zero slots as big-endian words (leading zeros trimmed).</summary>
[GenerateSerializer, Alias("hyperion.ContractGrainState")]
public sealed class ContractGrainState
{
    [Id(0)] public byte[] Code { get; set; } = [];

    [Id(1)] public List<byte[]> Slots { get; set; } = [];

    [Id(2)] public List<byte[]> Values { get; set; } = [];

    [Id(3)] public ulong Block { get; set; }

    [Id(4)] public bool HasApplied { get; set; }
}
