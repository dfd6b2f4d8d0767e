using System.Diagnostics;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Rlp;
using Hyperion.Core.Transactions;
using Hyperion.Evm.Precompiles;
using Hyperion.Execution.Evm;
using Hyperion.Grains.Abstractions;
using Hyperion.Grains.Execution;
using Hyperion.Grains.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Hyperion.Grains.Chain;

/// <summary>
/// The block coordinator of one chain. Commit order, which is what makes "reported committed" mean "never lost":
/// <list type="number">
/// <item>fetch the evicted contracts the batch calls from their contract grains, in parallel, then execute the batch
/// with Block-STM on the executor's own threads (never a grain scheduler thread);</item>
/// <item>append the block, its receipts and its state delta to the block log as one durable unit — from here on
/// the block is committed;</item>
/// <item>make it the head of the hot state, then apply it to the account and contract grains (in memory);</item>
/// <item>publish the head (RPC readers see the block only now, so balances agree with receipts);</item>
/// <item>every few blocks, have the touched grains persist and record that point ("grains confirmed"); contracts
/// unused for a while whose grains confirmed them are then dropped from the hot state (see
/// <see cref="ChainOptions.EvictContractsAfterBlocks"/>).</item>
/// </list>
/// On activation (a restart, or a silo lost) the hot state is rebuilt from the newest checkpoint plus the log, and
/// the blocks after the confirmed point are applied to the grains again (grains ignore blocks they already have).
/// Reentrant so that reads and calls answer while a block executes; writes go one at a time through a gate.
/// </summary>
[Reentrant]
public sealed partial class BlockCoordinatorGrain(
    ChainRegistry chains,
    IBlockLogProvider blockLogs,
    IEnumerable<IPrecompileContributor> precompileContributors,
    IClusterMembershipService membership,
    ChainMetrics metrics,
    ILogger<BlockCoordinatorGrain> logger) : Grain, IBlockCoordinatorGrain, IDisposable
{
    internal const string GrainsConfirmedMarker = "grains-confirmed";

    // Contract grain calls in flight at once when fetching evicted contracts.
    private const int FetchBatch = 256;
    private static readonly KeyValuePair<string, object?> PrefetchTag = new("kind", "prefetch");
    private static readonly KeyValuePair<string, object?> CheckpointTag = new("kind", "checkpoint");

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    // The grains touched since the confirmed point, with the last block that updated each.
    private readonly Dictionary<Address, ulong> _unconfirmedAccounts = [];
    private readonly Dictionary<Address, ulong> _unconfirmedContracts = [];
    private readonly HashSet<SiloAddress> _deadSilosSeen = [];
    private ChainOptions _options = null!;
    private IBlockLog _log = null!;
    private ChainEngine _engine = null!;
    private ChainHead _published = null!;
    private ulong? _confirmed;
    private bool _replayNeeded;

    private ulong ChainId => (ulong)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _options = chains.Get(ChainId);
        _log = blockLogs.Open(ChainId);
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Dead)
            {
                _deadSilosSeen.Add(member.SiloAddress);
            }
        }

        await LoadAsync(cancellationToken).ConfigureAwait(true);
        await ReplayToGrainsAsync(cancellationToken).ConfigureAwait(true);
        _published = _engine.HeadSummary;
        this.RegisterGrainTimer(WatchMembershipAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { Interleave = true });
        await base.OnActivateAsync(cancellationToken).ConfigureAwait(true);
    }

    // No confirm on deactivation: at silo shutdown the grains deactivate at the same time (each writes its own state
    // then), and a flush that reached a fresh activation would prove nothing. The next activation replays from the
    // confirmed point instead, which is at most ConfirmEveryBlocks blocks.

    public Task<ChainHead> EnsureActiveAsync() => Task.FromResult(_published);

    public Task<ChainHead> GetHeadAsync() => Task.FromResult(_published);

    public Task<AccountView[]> GetAccountsAsync(Address[] addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var state = _engine.State;
        var number = _engine.Head.Number;
        var views = new AccountView[addresses.Length];
        for (var i = 0; i < addresses.Length; i++)
        {
            views[i] = state.TryGetAccount(addresses[i], out SnapshotAccount account)
                ? new AccountView(true, account.Nonce, account.Balance, account.CodeHash, number)
                : new AccountView(false, 0, UInt256.Zero, Evm.AccountInfo.EmptyCodeHash, number);
        }

        return Task.FromResult(views);
    }

    public Task<CallResult> CallAsync(CallRequest request)
    {
        var engine = _engine;
        return Task.Run(() => engine.Call(request));
    }

    public Task<CallResult> EstimateGasAsync(CallRequest request)
    {
        var engine = _engine;
        return Task.Run(() => engine.EstimateGas(request));
    }

    public async Task<BlockCommitResult> ExecuteBlockAsync(BlockProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        if (proposal.Senders.Length != proposal.Transactions.Length)
        {
            throw new ArgumentException($"The proposal has {proposal.Transactions.Length} transactions but {proposal.Senders.Length} senders.", nameof(proposal));
        }

        await _writeGate.WaitAsync().ConfigureAwait(true);
        try
        {
            if (_replayNeeded)
            {
                await ReplayToGrainsAsync(CancellationToken.None).ConfigureAwait(true);
            }

            var rejected = new List<RejectedTransaction>();
            var transactions = new List<Transaction>(proposal.Transactions.Length);
            var raws = new List<byte[]>(proposal.Transactions.Length);
            for (var i = 0; i < proposal.Transactions.Length; i++)
            {
                try
                {
                    transactions.Add(Transaction.Decode(proposal.Transactions[i], TransactionForm.Network).WithRecoveredSender(proposal.Senders[i]));
                    raws.Add(proposal.Transactions[i]);
                }
                catch (Exception exception) when (exception is RlpException or InvalidTransactionException)
                {
                    rejected.Add(new RejectedTransaction(Keccak256.Compute(proposal.Transactions[i]), exception.Message, Retry: false));
                }
            }

            var engine = _engine;
            var started = Stopwatch.GetTimestamp();

            // The contracts the block calls that were evicted come back from their grains first, in parallel, so
            // that the executor's workers do not each wait on one; a contract only reached from inside a call is
            // loaded when it is read, on the worker that reads it.
            var cold = engine.ColdRecipients(transactions, out var hits);
            metrics.ContractHits.Add(hits);
            var fetched = await FetchContractsAsync(cold, PrefetchTag).ConfigureAwait(true);
            var built = await Task.Run(() =>
            {
                for (var i = 0; i < cold.Count; i++)
                {
                    engine.InstallContract(cold[i], fetched[i]);
                }

                return engine.BuildBlock(transactions, raws, proposal.Timestamp, rejected);
            }).ConfigureAwait(true);
            metrics.BlockExecution.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            metrics.TransactionsRejected.Add(rejected.Count);
            if (built.TransactionHashes.Count == 0 && proposal.Transactions.Length > 0)
            {
                // Everything was refused: an empty block would only add a block nobody asked for.
                return new BlockCommitResult(_engine.Head.Number, _engine.HeadHash, [], [.. rejected]);
            }

            var number = built.Block.Header.Number;
            var entry = new BlockLogEntry(
                number,
                built.Hash,
                built.Block.Header.ParentHash,
                BlockLogCodec.EncodeBlock(built.Block),
                BlockLogCodec.EncodeChanges(built.Changes),
                built.TransactionHashes);
            started = Stopwatch.GetTimestamp();
            try
            {
                await _log.AppendAsync(entry).ConfigureAwait(true);
            }
            catch (BlockLogConflictException exception)
            {
                // Another activation of this coordinator wrote block `number` (a silo thought dead came back): this
                // one is stale. Step aside; the next call activates a fresh copy that reads the log.
                LogStaleActivation(logger, exception, ChainId, number);
                DeactivateOnIdle();
                throw;
            }

            metrics.BlockLogAppend.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _engine.Commit(built);
            started = Stopwatch.GetTimestamp();
            await ApplyToGrainsAsync(number, built.Changes).ConfigureAwait(true);
            metrics.GrainUpdate.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _published = _engine.HeadSummary;
            metrics.BlocksCommitted.Add(1);
            metrics.TransactionsCommitted.Add(built.TransactionHashes.Count);
            await AfterCommitAsync(number).ConfigureAwait(true);
            if (_confirmed is { } confirmed)
            {
                metrics.ContractsEvicted.Add(_engine.EvictColdContracts(confirmed));
            }

            return new BlockCommitResult(number, built.Hash, [.. built.TransactionHashes], [.. rejected]);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        _engine?.Dispose();
        _writeGate.Dispose();
    }

    private async Task AfterCommitAsync(ulong number)
    {
        if (_confirmed is null || number - _confirmed.Value >= (ulong)Math.Max(1, _options.ConfirmEveryBlocks))
        {
            await ConfirmAsync().ConfigureAwait(true);
        }

        if (number % (ulong)Math.Max(1, _options.CheckpointEveryBlocks) == 0)
        {
            await _log.WriteCheckpointAsync(number, await EncodeCheckpointAsync(_engine.State).ConfigureAwait(true)).ConfigureAwait(true);
        }
    }

    /// <summary>The whole state, evicted contracts included: fetched from their grains (in parallel, without making
    /// them resident again), then encoded off the grain thread.</summary>
    private async Task<byte[]> EncodeCheckpointAsync(StateSnapshot state)
    {
        var cold = await Task.Run(state.ColdContracts).ConfigureAwait(true);
        var fetched = await FetchContractsAsync(cold, CheckpointTag).ConfigureAwait(true);
        var contents = new Dictionary<Address, ColdContract>(cold.Count);
        for (var i = 0; i < cold.Count; i++)
        {
            contents[cold[i]] = fetched[i];
        }

        return await Task.Run(() => BlockLogCodec.EncodeSnapshot(state, contents)).ConfigureAwait(true);
    }

    /// <summary>Code and storage of these contracts from their grains, a batch of calls in flight at a time.</summary>
    private async Task<ColdContract[]> FetchContractsAsync(IReadOnlyList<Address> addresses, KeyValuePair<string, object?> kind)
    {
        var contracts = new ColdContract[addresses.Count];
        for (var start = 0; start < addresses.Count; start += FetchBatch)
        {
            var batch = Enumerable.Range(start, Math.Min(FetchBatch, addresses.Count - start))
                .Select(async index => contracts[index] = GrainContractLoader.ToColdContract(
                    await GrainFactory.GetContractGrain(ChainId, addresses[index]).GetContentsAsync().ConfigureAwait(true)));
            await Task.WhenAll(batch).ConfigureAwait(true);
        }

        metrics.ContractLoads.Add(addresses.Count, kind);
        return contracts;
    }

    /// <summary>Rebuilds the hot state: genesis for an empty log, else the newest checkpoint plus the blocks after it.</summary>
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var head = await _log.GetHeadNumberAsync(cancellationToken).ConfigureAwait(true);
        if (head is null)
        {
            var (genesis, genesisState, genesisChanges) = ChainEngine.CreateGenesis(_options, (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            try
            {
                await _log.AppendAsync(
                    new BlockLogEntry(0, genesis.Header.Hash, Hash256.Zero, BlockLogCodec.EncodeBlock(genesis), BlockLogCodec.EncodeChanges(genesisChanges), []),
                    cancellationToken).ConfigureAwait(true);
                await _log.WriteCheckpointAsync(0, BlockLogCodec.EncodeSnapshot(genesisState), cancellationToken).ConfigureAwait(true);
                _engine = new ChainEngine(_options, BuildPrecompiles(), genesis, genesisState, NewContractLoader());
                LogGenesis(logger, ChainId, genesis.Header.Hash, genesisState.StateRoot, _options.Alloc.Count);
                return;
            }
            catch (BlockLogConflictException)
            {
                // Another silo wrote the genesis at the same moment: read it back like any existing log.
                head = await _log.GetHeadNumberAsync(cancellationToken).ConfigureAwait(true)
                    ?? throw new InvalidOperationException($"The block log of chain {ChainId} refused the genesis but is empty.");
            }
        }

        var checkpoint = await _log.ReadLatestCheckpointAsync(cancellationToken).ConfigureAwait(true);
        StateSnapshot state;
        StoredBlock from;
        if (checkpoint is null || checkpoint.BlockNumber > head)
        {
            // No usable checkpoint: start from the genesis block's allocations.
            var genesisEntry = await ReadEntryAsync(0, cancellationToken).ConfigureAwait(true);
            from = BlockLogCodec.DecodeBlock(genesisEntry.Block);
            state = StateSnapshot.Empty.Apply(BlockLogCodec.DecodeChanges(genesisEntry.StateChanges));
        }
        else
        {
            from = BlockLogCodec.DecodeBlock((await ReadEntryAsync(checkpoint.BlockNumber, cancellationToken).ConfigureAwait(true)).Block);
            state = BlockLogCodec.DecodeSnapshot(checkpoint.State);
        }

        if (state.StateRoot != from.Header.StateRoot)
        {
            throw new InvalidOperationException(
                $"The state checkpoint of block {from.Header.Number} of chain {ChainId} has root {state.StateRoot}, but the block says {from.Header.StateRoot}: the data folder is damaged. Restore it from a backup.");
        }

        var engine = new ChainEngine(_options, BuildPrecompiles(), from, state, NewContractLoader());
        for (var number = from.Header.Number + 1; number <= head; number++)
        {
            var entry = await ReadEntryAsync(number, cancellationToken).ConfigureAwait(true);
            engine.ApplyCommitted(BlockLogCodec.DecodeBlock(entry.Block), BlockLogCodec.DecodeChanges(entry.StateChanges));
            metrics.Replayed.Add(1);
        }

        if (engine.State.StateRoot != engine.Head.StateRoot)
        {
            throw new InvalidOperationException(
                $"Replaying the block log of chain {ChainId} to block {engine.Head.Number} gives state root {engine.State.StateRoot}, but the block says {engine.Head.StateRoot}: the data folder is damaged.");
        }

        _engine = engine;
        LogLoaded(logger, ChainId, engine.Head.Number, engine.HeadHash, from.Header.Number);
    }

    /// <summary>Applies the blocks after the grains' confirmed point to them again, then confirms the head.</summary>
    private async Task ReplayToGrainsAsync(CancellationToken cancellationToken)
    {
        _replayNeeded = false;
        _confirmed = await _log.GetMarkerAsync(GrainsConfirmedMarker, cancellationToken).ConfigureAwait(true);
        var first = _confirmed is { } confirmed ? confirmed + 1 : 0;
        var head = _engine.Head.Number;
        for (var number = first; number <= head; number++)
        {
            var entry = await ReadEntryAsync(number, cancellationToken).ConfigureAwait(true);
            await ApplyToGrainsAsync(number, BlockLogCodec.DecodeChanges(entry.StateChanges)).ConfigureAwait(true);
        }

        if (first <= head)
        {
            LogReplayedToGrains(logger, ChainId, first, head);
            await ConfirmAsync().ConfigureAwait(true);
        }
    }

    private async Task ApplyToGrainsAsync(ulong number, StateChanges changes)
    {
        var updates = new List<Task>(changes.Accounts.Count * 2);
        foreach (var (address, change) in changes.Accounts)
        {
            updates.Add(GrainFactory.GetAccountGrain(ChainId, address)
                .ApplyAsync(new AccountUpdate(number, change.Deleted, change.Nonce, change.Balance, change.CodeHash)));
            _unconfirmedAccounts[address] = number;
            var deployed = changes.Code.TryGetValue(change.CodeHash, out var code) ? code : null;
            if (change.Deleted || change.StorageCleared || change.Storage.Count > 0 || deployed is not null)
            {
                var slots = new UInt256[change.Storage.Count];
                var values = new UInt256[change.Storage.Count];
                var i = 0;
                foreach (var (slot, value) in change.Storage)
                {
                    slots[i] = slot;
                    values[i++] = value;
                }

                updates.Add(GrainFactory.GetContractGrain(ChainId, address)
                    .ApplyAsync(new ContractUpdate(number, change.Deleted, change.StorageCleared, deployed, slots, values)));
                _unconfirmedContracts[address] = number;
            }
        }

        await Task.WhenAll(updates).ConfigureAwait(true);
    }

    /// <summary>Has every grain touched since the last confirmed point persist, then records the head as confirmed.</summary>
    private async Task ConfirmAsync()
    {
        if (_engine is null)
        {
            return;
        }

        var head = _engine.Head.Number;
        if (_confirmed == head && _unconfirmedAccounts.Count == 0)
        {
            return;
        }

        var flushes = new List<Task<bool>>(_unconfirmedAccounts.Count + _unconfirmedContracts.Count);
        flushes.AddRange(_unconfirmedAccounts.Select(pair => GrainFactory.GetAccountGrain(ChainId, pair.Key).FlushAsync(pair.Value)));
        flushes.AddRange(_unconfirmedContracts.Select(pair => GrainFactory.GetContractGrain(ChainId, pair.Key).FlushAsync(pair.Value)));
        var persisted = await Task.WhenAll(flushes).ConfigureAwait(true);
        if (persisted.Contains(false))
        {
            // A grain lost updates (its silo died after they reached it): apply the blocks again before confirming.
            _replayNeeded = true;
            return;
        }

        await _log.SetMarkerAsync(GrainsConfirmedMarker, head).ConfigureAwait(true);
        _confirmed = head;
        _unconfirmedAccounts.Clear();
        _unconfirmedContracts.Clear();
    }

    /// <summary>
    /// A silo that died took the unpersisted updates of the grains it hosted with it: when one dies, the blocks
    /// after the confirmed point are applied again before the next block.
    /// </summary>
    private async Task WatchMembershipAsync(CancellationToken cancellationToken)
    {
        var newlyDead = false;
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status == SiloStatus.Dead && _deadSilosSeen.Add(member.SiloAddress))
            {
                newlyDead = true;
                LogSiloLost(logger, ChainId, member.SiloAddress.ToString());
            }
        }

        if (!newlyDead)
        {
            return;
        }

        _replayNeeded = true;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(true);
        try
        {
            if (_replayNeeded)
            {
                await ReplayToGrainsAsync(cancellationToken).ConfigureAwait(true);
                _published = _engine.HeadSummary;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<BlockLogEntry> ReadEntryAsync(ulong number, CancellationToken cancellationToken) =>
        await _log.ReadAsync(number, cancellationToken).ConfigureAwait(true)
        ?? throw new InvalidOperationException($"Block {number} of chain {ChainId} is missing from the block log: the data folder is damaged.");

    private GrainContractLoader NewContractLoader() => new(GrainFactory, ChainId, metrics);

    private PrecompileTable BuildPrecompiles()
    {
        var table = StandardPrecompiles.Cancun();
        foreach (var contributor in precompileContributors)
        {
            table = contributor.Contribute(table, ChainId);
        }

        return table;
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Chain {ChainId}: genesis {GenesisHash} written, state root {StateRoot}, {Accounts} funded accounts")]
    private static partial void LogGenesis(ILogger logger, ulong chainId, Hash256 genesisHash, Hash256 stateRoot, int accounts);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Chain {ChainId}: head {Number} ({Hash}) loaded from the block log (checkpoint at block {Checkpoint})")]
    private static partial void LogLoaded(ILogger logger, ulong chainId, ulong number, Hash256 hash, ulong checkpoint);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Chain {ChainId}: blocks {First} to {Last} applied to the account and contract grains again")]
    private static partial void LogReplayedToGrains(ILogger logger, ulong chainId, ulong first, ulong last);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Chain {ChainId}: silo {Silo} died; its grains' unconfirmed updates will be replayed from the block log")]
    private static partial void LogSiloLost(ILogger logger, ulong chainId, string silo);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Chain {ChainId}: block {Number} was already written by another coordinator activation; this one steps aside")]
    private static partial void LogStaleActivation(ILogger logger, Exception exception, ulong chainId, ulong number);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Chain {ChainId}: the grains could not confirm on deactivation (they are replayed from the block log on the next activation)")]
    private static partial void LogConfirmFailed(ILogger logger, Exception exception, ulong chainId);
}
