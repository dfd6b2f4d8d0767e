using Hyperion.Core;
using Hyperion.Core.Rlp;
using Hyperion.Core.Transactions;
using Hyperion.Execution.Evm;
using Hyperion.Grains.Abstractions;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Hyperion.Grains.Chain;

/// <summary>
/// The sequencer of one chain: admits transactions into the <see cref="Mempool"/> and, on each tick of the block
/// cadence, hands the next batch to the block coordinator. Reentrant so that submissions keep flowing while a
/// block is sealed; only one block is sealed at a time. The mempool lives in memory: a lost silo loses the
/// transactions still waiting (not committed ones), which senders send again, as with any Ethereum node.
/// </summary>
[Reentrant]
public sealed partial class SequencerGrain(
    ChainRegistry chains,
    ChainMetrics metrics,
    ILogger<SequencerGrain> logger) : Grain, ISequencerGrain
{
    /// <summary>geth's limit on one transaction's encoded size (txMaxSize).</summary>
    public const int MaxTransactionSize = 128 * 1024;

    private ChainOptions _options = null!;
    private Mempool _pool = null!;
    private IBlockCoordinatorGrain _coordinator = null!;
    private ChainHead _head = null!;
    // The seal in progress (a completed task when none): one block at a time.
    private Task _sealing = Task.CompletedTask;

    // One empty block follows every block with transactions. A client that read the block number after its
    // transaction's block was sealed but before it saw the receipt (ethers' tx.wait() does this) waits for the next
    // block to look again; with no empty blocks and no more traffic that block would never come.
    private bool _trailingBlockDue;

    // Counts the blocks whose outcome reached the mempool (or the failures that released it).
    private ulong _completedBlocks;

    private ulong ChainId => (ulong)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _options = chains.Get(ChainId);
        _pool = new Mempool(_options.MaxPendingPerSender, _options.MaxPendingTotal);
        _coordinator = GrainFactory.GetBlockCoordinatorGrain(ChainId);
        _head = await _coordinator.EnsureActiveAsync().ConfigureAwait(true);
        if (_options.BlockTimeMs > 0)
        {
            var period = TimeSpan.FromMilliseconds(_options.BlockTimeMs);
            this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true, Interleave = true });
        }

        LogStarted(logger, ChainId, _options.BlockTimeMs, _head.Number);
        await base.OnActivateAsync(cancellationToken).ConfigureAwait(true);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.MempoolSize.Add(-_pool.Count);
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task EnsureStartedAsync() => Task.CompletedTask;

    public async Task<SubmitResult> SubmitAsync(byte[] rawTransaction, Address sender)
    {
        ArgumentNullException.ThrowIfNull(rawTransaction);
        return (await SubmitBatchAsync([new SubmitRequest(rawTransaction, sender)]).ConfigureAwait(true))[0];
    }

    public async Task<SubmitResult[]> SubmitBatchAsync(SubmitRequest[] requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new SubmitResult[requests.Length];
        var entries = new PoolEntry?[requests.Length];
        var senders = new HashSet<Address>();
        for (var i = 0; i < requests.Length; i++)
        {
            var checkedEntry = Check(requests[i], out var refusal);
            if (checkedEntry is null)
            {
                results[i] = Refuse(refusal!);
                continue;
            }

            entries[i] = checkedEntry;
            senders.Add(checkedEntry.Sender);
        }

        if (senders.Count == 0)
        {
            return results;
        }

        // The balance is checked against the head for each transaction, as geth does; the nonce run, once a sender has
        // transactions waiting, is the pool's. This grain is reentrant: a block that completes while the accounts are
        // read may empty a sender's run, and the nonce read before it would then be stale, so read again.
        Address[] addresses = [.. senders];
        AccountView[] accounts;
        ulong completedBefore;
        do
        {
            completedBefore = _completedBlocks;
            accounts = await _coordinator.GetAccountsAsync(addresses).ConfigureAwait(true);
        }
        while (completedBefore != _completedBlocks);

        var byAddress = new Dictionary<Address, AccountView>(addresses.Length);
        for (var i = 0; i < addresses.Length; i++)
        {
            byAddress[addresses[i]] = accounts[i];
        }

        var added = 0;
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i] is not { } entry)
            {
                continue;
            }

            // Known before the batch, or an earlier copy in this batch: "already known", as geth says.
            if (_pool.Contains(entry.Hash))
            {
                results[i] = Refuse("already known");
                continue;
            }

            var account = byAddress[entry.Sender];
            var error = _pool.TryAdd(entry, account.Nonce, account.Balance, _head.BaseFee, _head.GasLimit, out var replaced);
            if (error is not null)
            {
                results[i] = Refuse(error);
                continue;
            }

            added += replaced is null ? 1 : 0;
            results[i] = new SubmitResult(entry.Hash, null);
        }

        metrics.MempoolSize.Add(added);
        return results;
    }

    /// <summary>What can be refused without the sender's account or the pool: size, encoding, type, chain id.</summary>
    private PoolEntry? Check(SubmitRequest request, out string? refusal)
    {
        refusal = null;
        var rawTransaction = request.RawTransaction;
        if (rawTransaction is null)
        {
            refusal = "rlp: empty transaction";
            return null;
        }

        if (rawTransaction.Length > MaxTransactionSize)
        {
            refusal = $"oversized data: transaction size {rawTransaction.Length}, limit {MaxTransactionSize}";
            return null;
        }

        Transaction transaction;
        try
        {
            transaction = Transaction.Decode(rawTransaction, TransactionForm.Network).WithRecoveredSender(request.Sender);
        }
        catch (Exception exception) when (exception is RlpException or InvalidTransactionException)
        {
            refusal = $"rlp: {exception.Message}";
            return null;
        }

        if (transaction.Type == TxType.Deposit)
        {
            refusal = "transaction type not supported: deposits come from L1, not from users";
            return null;
        }

        if (transaction.CheckChainId(ChainId) == ChainIdCheck.Mismatch)
        {
            refusal = $"invalid chain id for signer: have {transaction.ChainId} want {ChainId}";
            return null;
        }

        return new PoolEntry(transaction, rawTransaction, request.Sender);
    }

    public Task<ulong?> GetPendingNonceAsync(Address sender) =>
        Task.FromResult(_pool.TryGetNextNonce(sender, out var next) ? next : (ulong?)null);

    public Task<PendingTransaction?> GetPendingTransactionAsync(Hash256 hash) =>
        Task.FromResult(_pool.Find(hash) is { } entry ? new PendingTransaction(entry.Raw, entry.Sender) : null);

    public Task<SequencerStatus> GetStatusAsync() =>
        Task.FromResult(new SequencerStatus(_pool.Count - _pool.QueuedCount, _pool.QueuedCount, _head.Number, _options.BlockTimeMs));

    public async Task<ulong> SealBlockAsync()
    {
        // A tick may be sealing right now: wait for it, then seal (the caller asked for a block of its own).
        while (!_sealing.IsCompleted)
        {
            // Its failure is its own (logged there); this caller only waits for it to end.
            await Task.WhenAny(_sealing).ConfigureAwait(true);
        }

        await StartSeal(allowEmpty: true).ConfigureAwait(true);
        return _head.Number;
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (!_sealing.IsCompleted || (_pool.Count == 0 && !_options.EmptyBlocks && !_trailingBlockDue))
        {
            return;
        }

        await StartSeal(_options.EmptyBlocks || _trailingBlockDue).ConfigureAwait(true);
    }

    private Task StartSeal(bool allowEmpty) => _sealing = SealAsync(allowEmpty);

    private async Task SealAsync(bool allowEmpty)
    {
        var batch = _pool.TakeBatch(_head.GasLimit, BaseFeeOfNextBlock(), maxCount: int.MaxValue);
        if (batch.Count == 0 && !allowEmpty)
        {
            return;
        }

        var proposal = new BlockProposal(
            [.. batch.Select(entry => entry.Raw)],
            [.. batch.Select(entry => entry.Sender)],
            (ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        BlockCommitResult result;
        try
        {
            result = await _coordinator.ExecuteBlockAsync(proposal).ConfigureAwait(true);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The block may or may not be in the log (a coordinator lost mid-commit): keep the transactions; a
            // committed one comes back as "nonce too low" next time and leaves then.
            _pool.Release();
            _completedBlocks++;
            LogSealFailed(logger, exception, ChainId, batch.Count);
            _head = await _coordinator.GetHeadAsync().ConfigureAwait(true);
            return;
        }

        var before = _pool.Count;
        _trailingBlockDue = result.Included.Length > 0;
        _pool.Complete(result.Included, result.Rejected);
        _completedBlocks++;
        metrics.MempoolSize.Add(_pool.Count - before);
        metrics.TransactionsRejected.Add(result.Rejected.Length);
        foreach (var rejection in result.Rejected)
        {
            LogLeftOut(logger, ChainId, rejection.Hash, rejection.Reason);
        }

        _head = await _coordinator.GetHeadAsync().ConfigureAwait(true);
    }

    private UInt256 BaseFeeOfNextBlock() => BlockHeaderRules.CalculateBaseFee(new BlockHeader
    {
        Number = _head.Number,
        GasLimit = _head.GasLimit,
        GasUsed = _head.GasUsed,
        BaseFeePerGas = _head.BaseFee,
    });

    private SubmitResult Refuse(string error)
    {
        metrics.TransactionsRejected.Add(1);
        return new SubmitResult(Hash256.Zero, error);
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Chain {ChainId}: sequencer started (block time {BlockTimeMs} ms, head {Head})")]
    private static partial void LogStarted(ILogger logger, ulong chainId, int blockTimeMs, ulong head);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Chain {ChainId}: sealing a block of {Count} transactions failed; they stay in the mempool for the next block")]
    private static partial void LogSealFailed(ILogger logger, Exception exception, ulong chainId, int count);

    [LoggerMessage(EventId = 202, Level = LogLevel.Debug, Message = "Chain {ChainId}: transaction {Hash} left out of the block: {Reason}")]
    private static partial void LogLeftOut(ILogger logger, ulong chainId, Hash256 hash, string reason);
}
