using System.Collections.Concurrent;
using Hyperion.Core;
using Hyperion.Execution.Evm;

namespace Hyperion.Grains.Chain;

/// <summary>
/// Which contracts (accounts with storage or code) the coordinator's head state holds in memory, when each was last
/// used and last changed, and so which to evict: those unused for <see cref="ChainOptions.EvictContractsAfterBlocks"/>
/// blocks, or the least recently used beyond <see cref="ChainOptions.MaxResidentContracts"/>, but only once their
/// contract grains have confirmed their last change (so that a load gives back exactly the state's contents). "Used"
/// is what the coordinator sees without watching reads: changed by a block, called directly by a transaction, or loaded
/// back. A contract only read from inside other calls is evicted after the window and loaded again on its next read.
/// Not thread-safe but for <see cref="NoteLoaded"/>: its owner (the engine, under the grain) serialises the rest.
/// </summary>
internal sealed class ContractResidency
{
    // Evictions per block at most, so that a large backlog (every contract of a restored state going cold together)
    // is spread over blocks instead of pausing one.
    private const int MaxEvictionsPerBlock = 4096;

    private readonly Dictionary<Address, Entry> _resident = [];

    // In order of last use, with stale entries (used again since) skipped when they reach the front.
    private readonly Queue<(Address Address, ulong UsedAt)> _byLastUse = new();

    // How many resident contracts run each code: the code is evicted with the last of them.
    private readonly Dictionary<Hash256, int> _codeUsers = [];

    // Loaded back on the executor's worker threads (or a call's thread): recorded after the block.
    private readonly ConcurrentQueue<Address> _loaded = new();

    /// <summary>Every contract of <paramref name="state"/> counts as used and changed at <paramref name="head"/>.</summary>
    public ContractResidency(StateSnapshot state, ulong head)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (address, account) in state.Accounts)
        {
            if (account.IsResident && (account.HasStorage || account.HasCode))
            {
                Track(address, account.CodeHash, head, head);
            }
        }
    }

    public int Count => _resident.Count;

    /// <summary>A contract was loaded back (thread-safe); it counts as used from the next recorded block.</summary>
    public void NoteLoaded(in Address address) => _loaded.Enqueue(address);

    /// <summary>A transaction of block <paramref name="number"/> calls <paramref name="address"/>.</summary>
    public void NoteUsed(in Address address, ulong number)
    {
        if (_resident.TryGetValue(address, out var entry) && entry.UsedAt < number)
        {
            entry.UsedAt = number;
            _byLastUse.Enqueue((address, number));
        }
    }

    /// <summary>Block <paramref name="number"/> made <paramref name="state"/> from <paramref name="changes"/>.</summary>
    public void Record(StateChanges changes, StateSnapshot state, ulong number)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(state);
        while (_loaded.TryDequeue(out var address))
        {
            // Its last change was confirmed before it was evicted. (A call may have loaded it in an older snapshot.)
            if (!_resident.ContainsKey(address) && state.TryGetAccount(address, out SnapshotAccount account) && account.IsResident)
            {
                Track(address, account.CodeHash, number, 0);
            }
        }

        foreach (var (address, _) in changes.Accounts)
        {
            // A contract still evicted after the block only had its fields changed: its grain's contents did not change.
            if (state.TryGetAccount(address, out SnapshotAccount account) && account.IsResident && (account.HasStorage || account.HasCode))
            {
                Track(address, account.CodeHash, number, number);
            }
            else
            {
                Untrack(address);
            }
        }
    }

    /// <summary>
    /// Takes out of the resident set the contracts to evict after block <paramref name="head"/>, with whether their
    /// code goes too (no other resident contract runs it).
    /// </summary>
    public List<(Address Address, bool DropCode)> TakeEvictable(ulong head, ulong confirmed, int afterBlocks, int maxResident)
    {
        var evictable = new List<(Address Address, bool DropCode)>();
        while (evictable.Count < MaxEvictionsPerBlock && _byLastUse.TryPeek(out var oldest))
        {
            if (!_resident.TryGetValue(oldest.Address, out var entry) || entry.UsedAt != oldest.UsedAt)
            {
                _byLastUse.Dequeue();
                continue;
            }

            var unused = afterBlocks > 0 && head >= entry.UsedAt + (ulong)afterBlocks;
            var overLimit = maxResident > 0 && _resident.Count > maxResident;
            if ((!unused && !overLimit) || entry.ChangedAt > confirmed)
            {
                // The rest were used later; or this one's grain has not confirmed it yet (nor, most likely, the rest).
                break;
            }

            _byLastUse.Dequeue();
            evictable.Add((oldest.Address, Untrack(oldest.Address)));
        }

        return evictable;
    }

    private void Track(in Address address, in Hash256 codeHash, ulong usedAt, ulong changedAt)
    {
        if (_resident.TryGetValue(address, out var entry))
        {
            if (entry.CodeHash != codeHash)
            {
                ReleaseCode(entry.CodeHash);
                AddCode(codeHash);
                entry.CodeHash = codeHash;
            }

            entry.ChangedAt = Math.Max(entry.ChangedAt, changedAt);
            if (entry.UsedAt < usedAt)
            {
                entry.UsedAt = usedAt;
                _byLastUse.Enqueue((address, usedAt));
            }

            return;
        }

        _resident[address] = new Entry { UsedAt = usedAt, ChangedAt = changedAt, CodeHash = codeHash };
        AddCode(codeHash);
        _byLastUse.Enqueue((address, usedAt));
    }

    /// <summary>Forgets a contract; true when no resident contract runs its code any more.</summary>
    private bool Untrack(in Address address) => _resident.Remove(address, out var entry) && ReleaseCode(entry.CodeHash);

    private void AddCode(in Hash256 codeHash) => _codeUsers[codeHash] = _codeUsers.GetValueOrDefault(codeHash) + 1;

    private bool ReleaseCode(in Hash256 codeHash)
    {
        var users = _codeUsers.GetValueOrDefault(codeHash) - 1;
        if (users > 0)
        {
            _codeUsers[codeHash] = users;
            return false;
        }

        _codeUsers.Remove(codeHash);
        return true;
    }

    private sealed class Entry
    {
        public ulong UsedAt;
        public ulong ChangedAt;
        public Hash256 CodeHash;
    }
}
