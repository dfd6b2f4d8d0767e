using System.Diagnostics;
using System.Runtime.InteropServices;
using Hyperion.Core;
using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Execution.Evm;

/// <summary>
/// A block made only of plain value transfers, run in parallel without the multi-version memory: each transaction
/// reads and writes its sender's nonce and balance, and credits its recipient, whose balance nothing in a plain
/// transfer reads. So the only order that matters is each sender's own: a transaction waits for the previous one of
/// its sender (its nonce and balance after it), and the credits its sender received in between are known before
/// anything runs (each is the value of an earlier transfer to it). Transactions of different senders never wait for
/// one another. The coinbase's tips are summed.
/// </summary>
/// <remarks>
/// <para>
/// Why the result is the sequential one. A transfer's credit to its recipient is exactly its value when it is
/// included (a call with value to an account without code runs nothing and cannot fail), so the balance that
/// transaction <c>j</c>'s sender has in a sequential run is its balance after its previous transaction (or before the
/// block) plus the values of the transfers to it in between. By induction over the block, each transaction here sees
/// the sender state it sees in the sequential run, so it gets the same outcome, as long as every one of them is
/// included; the first rejection (an invalid block) gives the whole block up to the general engine, which reports it
/// as before. Each execution runs the same <see cref="TransactionProcessor"/> as everywhere else, over a reader that
/// knows the sender and the recipient only: a read of anything else, a write set of another shape (anything but the
/// sender's nonce and balance and the recipient's credit), a failed status, a log or a zero tip (which would touch the
/// coinbase, EIP-161) also give the block up. The block qualifies only if no transaction can deploy code (legacy,
/// access-list or fee-market transactions only: no creation, no call with data, none with an access list, none to a
/// precompile, the coinbase or its own sender), so whether an account has code is fixed for the block; the recipient
/// is read only at the end, and any account of the block with code then gives the block up too.
/// </para>
/// <para>
/// Scheduling. Every step is split into items (stripes of whole chunks, partitions of the addresses, chunks) that the
/// awake workers take, and a step starts once the one before is done, so that nothing but the transactions' own
/// order is done by one thread while the others wait (on many cores, those serial passes over the block were what
/// bounded it), and a worker that wakes late holds up only what it takes:
/// <code>
///   check     stripe s of the transactions: plain transfers? each address's partition (its hash modulo the
///             partitions, as many as the active workers); each transaction's sending and credit as events in lists
///             by partition; each transaction's rank among the stripe's transactions whose senders share its
///             sender's partition
///   ── step done ──
///   plan      partition p, over its events of every stripe in order: number its addresses, link each transaction of
///             a sender of it to the sender's previous one, sum the credits between (all of a sender's facts in one
///             partition, written to the partition's own links, found again by the stripe's base and the rank)
///   ── step done ──
///   run       chunks of transactions handed out in order; a transaction waits for its sender's previous one; each
///             chunk's gas, blob gas and tips summed by the worker that ran it
///   ── step done ──
///   settle    partition p's accounts into the block's changes (part p of them, as the changes are partitioned)
///   ── step done ──
///   receipts  stripe s's receipts, their cumulative gas from the sums of the chunks before; and, as one more item
///             (taken first), the coinbase's tips and the withdrawals on the block's overlay
/// </code>
/// The lowest unfinished transaction's predecessors are all finished, so the worker holding it never waits and the
/// run always progresses; the calling thread only waits. Any step may give the block up (the overlay is changed only
/// by the last, once nothing can); a block that breaks a receipt rule (the gas pool) is handed to the serial receipt
/// walk, which names the first failure as every executor does.
/// </para>
/// </remarks>
internal sealed class PlainTransferBlock : IWorkerJob
{
    /// <summary>Transactions a worker takes at once: fewer trips to the shared counter.</summary>
    private const int Chunk = 16;

    /// <summary>Whether a step of the block is to stop (see <see cref="WorkerSteps"/>).</summary>
    private static readonly Func<PlainTransferBlock, bool> GivenUp = static block => block._givenUp;

    /// <summary>Transactions checked on the calling thread before any worker is woken: a block of calls fails at once.</summary>
    private const int Probe = 16;

    private readonly EvmBlock _block;
    private readonly BlockStateOverlay _preState;
    private readonly EvmWorkers _workers;
    private readonly int _count;
    private readonly int _activeWorkers;
    private readonly Address _coinbase;
    private readonly PrecompileTable _precompiles;

    // Per transaction: the partitions of its sender and recipient, and its rank among the transactions of its stripe
    // whose senders are in the same partition (the check).
    private readonly int[] _senderPart;
    private readonly int[] _recipientPart;
    private readonly int[] _rank;

    /// <summary>
    /// The plan's events, two per transaction, each stripe's in its own region sorted by partition: per stripe and
    /// partition (a row per stripe) where its events start and how many there are. A partition's plan walks its events
    /// of each stripe in turn (the block's order) instead of the whole block.
    /// </summary>
    private readonly PlanEvent[] _planEvents;
    private readonly int[] _eventStarts;
    private readonly int[] _eventCounts;

    // Per stripe and partition (a row per stripe): the stripe's transactions with senders in the partition (the
    // check), and the partition's transactions in the stripes before (the plan). A transaction's plan is at the
    // stripe's base plus its rank in its sender's partition's links: each partition writes only its own links.
    private readonly int[] _stripeCounts;
    private readonly int[] _stripeBases;

    /// <summary>Per partition of the addresses: its numbering and per-address facts, made and settled by one worker.</summary>
    private readonly AddressPartition[] _partitions;

    // What the workers produce: per transaction its outcome and its sender's account after it, and the flag that says
    // it is done (written last, read by the sender's next transaction); the tips are summed per chunk.
    private readonly TransactionOutcome[] _outcomes;
    private readonly AccountInfo[] _senderAfter;
    private readonly int[] _done;

    // Per chunk of transactions: the gas, blob gas and tips its transactions used, summed by the worker that ran it.
    private readonly ulong[] _chunkGas;
    private readonly ulong[] _chunkBlobGas;
    private readonly UInt256[] _chunkTips;
    private readonly int _chunks;
    private readonly TransactionReceipt[] _receipts;

    private readonly long _started = Stopwatch.GetTimestamp();
    private long _lastWorkerStarted;
    private int _next;
    private readonly WorkerJobCompletion _completion;

    // Each step's items: the next to take, and those done (the run's items are its chunks).
    private int _checkNext;
    private int _checkDone;
    private int _planNext;
    private int _planDone;
    private int _chunksDone;
    private int _settleNext;
    private int _settleDone;
    private int _finishNext;
    private int _finishDone;

    /// <summary>
    /// Per active worker, the changes of its partition of the accounts (the parts of the block's partitioned changes),
    /// and the accounts of its partition that the overlay had changed before the transactions, which go through the
    /// overlay instead.
    /// </summary>
    private readonly Dictionary<Address, AccountChange>[] _changedParts;
    private readonly List<(Address Address, ulong? Nonce, UInt256 Balance)>[] _throughOverlay;

    private volatile bool _givenUp;
    private volatile bool _receiptRuleBroken;
    private StateChanges? _changes;

    private PlainTransferBlock(EvmBlock block, BlockStateOverlay preState, EvmWorkers workers, int poolSize, TransferScratch scratch, PrecompileTable precompiles)
    {
        _block = block;
        _preState = preState;
        _workers = workers;
        _count = block.Transactions.Count;
        _coinbase = block.Context.Coinbase;
        _precompiles = precompiles;
        _activeWorkers = Math.Min(poolSize, Math.Max(1, _count / Chunk));
        _completion = new WorkerJobCompletion(poolSize);
        scratch.Prepare(_count, Chunk, _activeWorkers);
        _senderPart = scratch.SenderPart;
        _recipientPart = scratch.RecipientPart;
        _planEvents = scratch.PlanEvents;
        _eventStarts = new int[_activeWorkers * _activeWorkers];
        _eventCounts = new int[_activeWorkers * _activeWorkers];
        _rank = scratch.Rank;
        _stripeCounts = new int[_activeWorkers * _activeWorkers];
        _stripeBases = new int[_activeWorkers * _activeWorkers];
        _partitions = scratch.Partitions;
        _outcomes = scratch.Outcomes;
        _senderAfter = scratch.SenderAfter;
        _done = scratch.Done;
        _chunks = (_count + Chunk - 1) / Chunk;
        _chunkGas = scratch.ChunkGas;
        _chunkBlobGas = scratch.ChunkBlobGas;
        _chunkTips = scratch.ChunkTips;
        _receipts = new TransactionReceipt[_count];
        _changedParts = new Dictionary<Address, AccountChange>[_activeWorkers];
        _throughOverlay = new List<(Address, ulong?, UInt256)>[_activeWorkers];
    }

    /// <summary>Why the block was given up, for diagnostics; null while it was not.</summary>
    public string? GivenUpReason { get; private set; }

    /// <summary>
    /// The block as plain transfers, or null when its first transactions show it is not a block of plain transfers
    /// (the workers check the rest, and give the block up at the first that is not). Senders must be recovered already
    /// (a transaction whose sender does not recover disqualifies the block).
    /// </summary>
    /// <param name="block">The block.</param>
    /// <param name="preState">The block's overlay, read as the pre-state and changed only once the run cannot give up.</param>
    /// <param name="workers">The EVMs of the executing threads.</param>
    /// <param name="poolSize">The executor's threads.</param>
    /// <param name="scratch">The per-transaction tables, reused from block to block (one block at a time uses them).</param>
    public static PlainTransferBlock? TryCreate(EvmBlock block, BlockStateOverlay preState, EvmWorkers workers, int poolSize, TransferScratch scratch)
    {
        var precompiles = workers.Precompiles;
        var transactions = block.Transactions;
        for (var index = 0; index < Math.Min(Probe, transactions.Count); index++)
        {
            if (!IsPlainTransfer(transactions[index], block.Context.Coinbase, precompiles, out _))
            {
                return null;
            }
        }

        return new PlainTransferBlock(block, preState, workers, poolSize, scratch, precompiles);
    }

    /// <summary>Whether the transaction qualifies (see the remarks), with its sender.</summary>
    private static bool IsPlainTransfer(Transaction transaction, in Address coinbase, PrecompileTable precompiles, out Address from)
    {
        from = default;
        return transaction.To is { } to
            && transaction.Data.Length == 0
            && !transaction.Value.IsZero
            && transaction.AccessList.Count == 0
            && (transaction.Type is TxType.Legacy or TxType.AccessList or TxType.DynamicFee)
            && !transaction.IsSystemTransaction
            && transaction.TryRecoverSender(out from)
            && from != to
            && from != coinbase
            && to != coinbase
            && !precompiles.Contains(to);
    }

    public Task Completion => _completion.Task;

    /// <summary>Waits on the calling thread until the job is complete (see <see cref="EarlyWake"/>); throws its failure.</summary>
    public void Wait() => _completion.Wait();

    public void Run(int workerIndex)
    {
        try
        {
            if (workerIndex < _activeWorkers)
            {
                WorkerSteps.NoteStart(ref _lastWorkerStarted);
                RunSteps();
            }
        }
        catch (Exception failure)
        {
            _completion.Fail(failure);
            _givenUp = true;
        }

        _completion.WorkerDone();
    }

    public void Abandon(Exception reason) => _completion.Abandon(reason);

    /// <summary>
    /// The block's result once <see cref="Completion"/> is done: null when the block was given up (the overlay is then
    /// as it was); the <see cref="InvalidBlockException"/> of the first receipt rule the block breaks; or the receipts,
    /// the gas, and the block's changes.
    /// </summary>
    public (IReadOnlyList<TransactionReceipt> Receipts, ulong GasUsed, ulong BlobGasUsed, StateChanges Changes)? Result()
    {
        if (_givenUp)
        {
            return null;
        }

        if (_receiptRuleBroken)
        {
            BlockReceiptBuilder.ThrowFirstBrokenRule(_block, _workers.Spec, _outcomes.AsSpan(0, _count));
        }

        var (gasUsed, blobGasUsed) = GasOfChunks(0, _chunks);
        return (_receipts, gasUsed, blobGasUsed, _changes!);
    }

    public BlockExecutionStats Stats() => new()
    {
        Mode = BlockExecutionMode.ParallelTransfers,
        TransactionCount = _count,
        WorkerCount = _activeWorkers,
        Executions = _count,
        LastWorkerStarted = _lastWorkerStarted == 0 ? null : Stopwatch.GetElapsedTime(_started, _lastWorkerStarted),
        Elapsed = Stopwatch.GetElapsedTime(_started),
    };

    /// <summary>
    /// A worker's part of every step (see the remarks): it takes the step's items while any is left, then waits for the
    /// items the others took. Whichever workers are awake do the work: one that wakes late, or is descheduled, holds up
    /// only the item it holds, not a barrier.
    /// </summary>
    private void RunSteps()
    {
        if (!WorkerSteps.Run(this, ref _checkNext, ref _checkDone, _activeWorkers, static (block, stripe) => block.Check(stripe), GivenUp)
            || !WorkerSteps.Run(this, ref _planNext, ref _planDone, _activeWorkers, static (block, partition) => block.Plan(partition), GivenUp))
        {
            return;
        }

        // The run is most of the block and the steps after it are short: the waiting caller may wake now.
        _completion.NearlyDone();
        Work();
        if (!WaitFor(ref _chunksDone, _chunks)
            || _givenUp
            || !WorkerSteps.Run(this, ref _settleNext, ref _settleDone, _activeWorkers, static (block, partition) => block.SettleAccounts(partition), GivenUp))
        {
            return;
        }

        // The state first: one item, the longest of the step, then the receipts' stripes.
        WorkerSteps.Run(this, ref _finishNext, ref _finishDone, _activeWorkers + 1, static (block, item) =>
        {
            if (item == 0)
            {
                block.ApplyState();
            }
            else
            {
                block.BuildReceipts(item - 1);
            }
        }, GivenUp);
    }

    /// <summary>The chunks of stripe <paramref name="stripe"/> (one of as many as the active workers).</summary>
    private (int Start, int End) StripeChunks(int stripe) => (
        (int)((long)_chunks * stripe / _activeWorkers),
        (int)((long)_chunks * (stripe + 1) / _activeWorkers));

    /// <summary>The stripe of chunk <paramref name="chunk"/>: the last whose first chunk is at or before it.</summary>
    private int StripeOf(int chunk) => (int)((((long)chunk + 1) * _activeWorkers - 1) / _chunks);

    /// <summary>The transactions of stripe <paramref name="stripe"/>.</summary>
    private (int Start, int End) Stripe(int stripe)
    {
        var (start, end) = StripeChunks(stripe);
        return (start * Chunk, Math.Min(_count, end * Chunk));
    }

    /// <summary>Checks a stripe of the transactions and puts down the partitions of their senders and recipients.</summary>
    private void Check(int stripe)
    {
        var transactions = _block.Transactions;
        var (start, end) = Stripe(stripe);

        // Counted here and stored once: the rows of the stripes share cache lines. Per partition, the stripe's senders
        // (for the ranks) and its events (sendings and credits, for the plan).
        var parts = _activeWorkers;
        Span<int> counts = parts <= 128 ? stackalloc int[parts * 2] : new int[parts * 2];
        counts.Clear();
        var senders = counts[..parts];
        var events = counts[parts..];

        for (var index = start; index < end && !_givenUp; index++)
        {
            var transaction = transactions[index];
            if (!IsPlainTransfer(transaction, _coinbase, _precompiles, out var from))
            {
                GiveUp("a transaction is not a plain transfer");
                return;
            }

            var senderPart = BlockStateOverlay.PartOf(from, parts);
            var recipientPart = BlockStateOverlay.PartOf(transaction.To!.Value, parts);
            _senderPart[index] = senderPart;
            _recipientPart[index] = recipientPart;
            _rank[index] = senders[senderPart]++;
            events[senderPart]++;
            events[recipientPart]++;
        }

        if (_givenUp)
        {
            return;
        }

        // The events in the stripe's region of the buffer (two per transaction), sorted by partition, each partition's
        // in the block's order (a transaction's sending before its credit).
        var row = stripe * parts;
        var next = events;
        var offset = 2 * start;
        for (var part = 0; part < parts; part++)
        {
            _eventStarts[row + part] = offset;
            _eventCounts[row + part] = events[part];
            var count = events[part];
            next[part] = offset;
            offset += count;
        }

        for (var index = start; index < end; index++)
        {
            var transaction = transactions[index];
            transaction.TryRecoverSender(out var from);
            _planEvents[next[_senderPart[index]]++] = new PlanEvent(index, from, Credit: false, default);
            _planEvents[next[_recipientPart[index]]++] = new PlanEvent(index, transaction.To!.Value, Credit: true, transaction.Value);
        }

        senders.CopyTo(_stripeCounts.AsSpan(row, parts));
    }

    /// <summary>
    /// One partition's plan, over its events in the block's order (a stripe's at a time): numbers the partition's
    /// addresses, links each transaction of a sender in it to the sender's previous one, with the credits between.
    /// Gives up when a credit sum overflows.
    /// </summary>
    private void Plan(int part)
    {
        var partition = _partitions[part];
        var links = 0;
        for (var stripe = 0; stripe < _activeWorkers; stripe++)
        {
            _stripeBases[(stripe * _activeWorkers) + part] = links;
            links += _stripeCounts[(stripe * _activeWorkers) + part];
        }

        partition.Reset((_count * 2 / _activeWorkers) + 16, links);
        var link = 0;
        for (var stripe = 0; stripe < _activeWorkers && !_givenUp; stripe++)
        {
            var row = (stripe * _activeWorkers) + part;
            foreach (ref readonly var planned in _planEvents.AsSpan(_eventStarts[row], _eventCounts[row]))
            {
                var number = partition.Number(planned.Address);
                if (!planned.Credit)
                {
                    partition.Links[link++] = new TransferLink(number, partition.LastSent[number], partition.TrailingCredits[number]);
                    partition.LastSent[number] = planned.Index;
                    partition.TrailingCredits[number] = UInt256.Zero;
                }
                else if (UInt256.AddOverflow(partition.TrailingCredits[number], planned.Value, out partition.TrailingCredits[number]))
                {
                    GiveUp("the credits to an address overflow");
                    return;
                }
            }
        }
    }

    private void Work()
    {
        var worker = _workers.Current;
        var context = _block.Context;
        while (!_givenUp)
        {
            var start = Interlocked.Add(ref _next, Chunk) - Chunk;
            if (start >= _count)
            {
                return;
            }

            var end = Math.Min(_count, start + Chunk);
            ulong gas = 0, blobGas = 0;
            var tips = UInt256.Zero;
            for (var index = start; index < end && !_givenUp; index++)
            {
                if (!Execute(index, worker, context, out var outcome, out var tip))
                {
                    _givenUp = true;
                    return;
                }

                gas = BlockReceiptBuilder.SaturatingAdd(gas, outcome.GasUsed);
                blobGas = BlockReceiptBuilder.SaturatingAdd(blobGas, outcome.BlobGasUsed);
                if (UInt256.AddOverflow(tips, tip, out tips))
                {
                    GiveUp("the tips overflow");
                    return;
                }
            }

            var chunk = start / Chunk;
            _chunkGas[chunk] = gas;
            _chunkBlobGas[chunk] = blobGas;
            _chunkTips[chunk] = tips;
            Interlocked.Increment(ref _chunksDone);
        }
    }

    /// <summary>The gas and blob gas of the transactions of chunks <paramref name="start"/> to <paramref name="end"/> (saturated).</summary>
    private (ulong Gas, ulong BlobGas) GasOfChunks(int start, int end)
    {
        ulong gas = 0, blobGas = 0;
        for (var chunk = start; chunk < end; chunk++)
        {
            gas = BlockReceiptBuilder.SaturatingAdd(gas, _chunkGas[chunk]);
            blobGas = BlockReceiptBuilder.SaturatingAdd(blobGas, _chunkBlobGas[chunk]);
        }

        return (gas, blobGas);
    }

    /// <summary>Waits until <paramref name="flag"/> reaches <paramref name="target"/>; false when the block was given up meanwhile.</summary>
    private bool WaitFor(ref int flag, int target) => WorkerSteps.WaitFor(this, ref flag, target, GivenUp);

    /// <summary>Runs one (planned) transaction once its sender's previous one is done; false gives the block up.</summary>
    private bool Execute(int index, EvmWorker worker, BlockContext context, out TransactionOutcome outcome, out UInt256 tip)
    {
        outcome = null!;
        tip = default;
        var transaction = _block.Transactions[index];
        transaction.TryRecoverSender(out var from);
        var senderPart = _senderPart[index];
        var partition = _partitions[senderPart];
        var link = partition.Links[_stripeBases[(StripeOf(index / Chunk) * _activeWorkers) + senderPart] + _rank[index]];
        var previous = link.Previous;
        AccountInfo sender;
        bool senderExists;
        if (previous >= 0)
        {
            if (!WaitFor(ref _done[previous], 1))
            {
                return false;
            }

            sender = _senderAfter[previous];
            senderExists = true;
        }
        else
        {
            senderExists = _preState.TryGetAccount(from, out sender);
            partition.ExistedBefore[link.Sender] = senderExists;
            if (!senderExists)
            {
                sender = new AccountInfo(0, UInt256.Zero, AccountInfo.EmptyCodeHash);
            }
        }

        var credits = link.CreditsBefore;
        if (!credits.IsZero)
        {
            if (UInt256.AddOverflow(sender.Balance, credits, out var balance))
            {
                return false;
            }

            sender = sender with { Balance = balance };
            senderExists = true;
        }

        // The recipient is not read: a code-less account (checked once the block is done), whose nonce and balance
        // nothing in a plain transfer looks at.
        var to = transaction.To!.Value;
        var result = worker.ExecuteTransfer(transaction, context, from, senderExists, sender, to);
        if (result is null || result.IsRejected || !result.Status.IsSuccess() || result.Logs.Count != 0 || result.CoinbasePayment.IsZero)
        {
            return false;
        }

        var writes = result.WriteSet;
        if (writes.Storage.Count != 0 || writes.Accounts.Count != 2)
        {
            return false;
        }

        var wroteSender = false;
        foreach (var write in writes.Accounts)
        {
            if (write.Deleted || write.Code is not null)
            {
                return false;
            }

            if (write.Address == from && write.CodeHash == sender.CodeHash)
            {
                _senderAfter[index] = sender with { Nonce = write.Nonce, Balance = write.Balance };
                wroteSender = true;
            }
            else if (write.Address != to || write.Balance != transaction.Value)
            {
                // The recipient started from a placeholder zero: its write is the credit alone.
                return false;
            }
        }

        if (!wroteSender)
        {
            return false;
        }

        outcome = TransactionOutcome.From(result);
        tip = result.CoinbasePayment;
        _outcomes[index] = outcome;
        Volatile.Write(ref _done[index], 1);
        return true;
    }

    /// <summary>
    /// One partition of the accounts as the block's changes: final nonce and balance, no code (checked),
    /// storage marked cleared for an account the block creates, as the sequential run's first credit to it does.
    /// Nothing is written to the overlay; a failed check gives the block up. An address that only receives is read
    /// here for the first time: with code, it was no plain transfer (one that sends has none, or its transaction
    /// would have been rejected, EIP-3607).
    /// </summary>
    private void SettleAccounts(int part)
    {
        var state = _preState;
        var partition = _partitions[part];
        var changes = new Dictionary<Address, AccountChange>(partition.Count);
        var throughOverlay = new List<(Address, ulong?, UInt256)>();
        for (var number = 0; number < partition.Count && !_givenUp; number++)
        {
            var address = partition.Addresses[number];
            var last = partition.LastSent[number];
            UInt256 before;
            ulong nonce;
            bool existed;
            if (last >= 0)
            {
                // A sender with code is refused (EIP-3607) before this; checked again, so that no rule that lets one
                // send (a delegation) can make a transfer to it a plain one.
                if (_senderAfter[last].CodeHash != AccountInfo.EmptyCodeHash)
                {
                    GiveUp("a sender has code");
                    return;
                }

                before = _senderAfter[last].Balance;
                nonce = _senderAfter[last].Nonce;
                existed = partition.ExistedBefore[number];
            }
            else
            {
                existed = state.TryGetAccount(address, out var account);
                if (existed && account.CodeHash != AccountInfo.EmptyCodeHash)
                {
                    GiveUp("a recipient has code");
                    return;
                }

                before = existed ? account.Balance : UInt256.Zero;
                nonce = existed ? account.Nonce : 0;
            }

            if (UInt256.AddOverflow(before, partition.TrailingCredits[number], out var balance))
            {
                GiveUp("a balance overflows");
                return;
            }

            if (state.HasChanged(address))
            {
                throughOverlay.Add((address, last >= 0 ? nonce : null, balance));
                continue;
            }

            changes[address] = new AccountChange(false, nonce, balance, AccountInfo.EmptyCodeHash, StorageCleared: !existed, BlockStateOverlay.NoStorage);
        }

        _changedParts[part] = changes;
        _throughOverlay[part] = throughOverlay;
    }

    /// <summary>A stripe's receipts, from the gas of the chunks before it; a broken rule is left to the serial walk.</summary>
    private void BuildReceipts(int stripe)
    {
        var (start, end) = Stripe(stripe);
        var (gasBefore, blobGasBefore) = GasOfChunks(0, StripeChunks(stripe).Start);

        var maxBlobGas = BlockReceiptBuilder.MaxBlobGas(_workers.Spec);
        if (!BlockReceiptBuilder.TryBuildRange(_block, maxBlobGas, _outcomes, start, gasBefore, blobGasBefore, _receipts.AsSpan(start, end - start)))
        {
            _receiptRuleBroken = true;
        }
    }

    /// <summary>
    /// The coinbase's tips and the withdrawals on the block's overlay (which this run read as its pre-state), as the
    /// sequential executor leaves them, with the settled accounts that those (or the system call before the
    /// transactions) touch moved onto the overlay first; then the block's changes: the settled parts, with the
    /// overlay's accounts in their parts. Gives the block up, with nothing changed, when a check fails; the overlay is
    /// changed only once nothing can give the block up.
    /// </summary>
    private void ApplyState()
    {
        var state = _preState;
        var coinbaseExisted = state.TryGetAccount(_coinbase, out var coinbaseBefore);
        var tips = UInt256.Zero;
        for (var chunk = 0; chunk < _chunks; chunk++)
        {
            if (UInt256.AddOverflow(tips, _chunkTips[chunk], out tips))
            {
                GiveUp("the tips overflow");
                return;
            }
        }

        if (UInt256.AddOverflow(coinbaseBefore.Balance, tips, out _))
        {
            GiveUp("the coinbase's balance overflows");
            return;
        }

        foreach (var part in _throughOverlay)
        {
            foreach (var (address, nonce, balance) in part)
            {
                state.SetTransferred(address, nonce, balance);
            }
        }

        // A withdrawal credits an account as it is after the transactions: a settled one goes onto the overlay first.
        foreach (var withdrawal in _block.Withdrawals)
        {
            var part = _changedParts[BlockStateOverlay.PartOf(withdrawal.Address, _activeWorkers)];
            if (part.Remove(withdrawal.Address, out var settled))
            {
                state.SetTransferred(withdrawal.Address, settled.Nonce, settled.Balance);
            }
        }

        // The sequential run credits the tips in every transaction, which creates an absent coinbase (with its storage
        // marked cleared) at the first.
        if (!coinbaseExisted)
        {
            state.ClearStorage(_coinbase);
        }

        state.AddBalance(_coinbase, tips);
        WithdrawalProcessor.Apply(state, _block.Withdrawals);
        var overlay = state.ToChanges();
        foreach (var (address, change) in overlay.Accounts)
        {
            _changedParts[BlockStateOverlay.PartOf(address, _activeWorkers)][address] = change;
        }

        _changes = new StateChanges(new PartitionedDictionary<Address, AccountChange>(_changedParts), overlay.Code);
    }

    private void GiveUp(string reason)
    {
        GivenUpReason ??= reason;
        _givenUp = true;
    }
}

/// <summary>
/// A transaction's place in its sender's order (<see cref="PlainTransferBlock"/>'s plan): the sender's number in its
/// partition, the sender's previous transaction (or -1), and the credits the sender got in between (or before the
/// block's first transaction of it).
/// </summary>
internal readonly record struct TransferLink(int Sender, int Previous, UInt256 CreditsBefore);

/// <summary>
/// An event of a plain-transfer block's plan (<see cref="PlainTransferBlock"/>), put down by the check: transaction
/// <paramref name="Index"/> sends from <paramref name="Address"/>, or credits it with <paramref name="Value"/>.
/// </summary>
internal readonly record struct PlanEvent(int Index, Address Address, bool Credit, UInt256 Value);

/// <summary>
/// One partition of a plain-transfer block's addresses (<see cref="PlainTransferBlock"/>): their numbering and, per
/// address, its last transaction as a sender, the credits after that (all of them for an address that never sends),
/// and whether it existed before the block (known for senders from their first transaction). Planned and settled by
/// one worker; reused from block to block.
/// </summary>
internal sealed class AddressPartition
{
    private readonly Dictionary<Address, int> _numbers = [];

    public Address[] Addresses { get; private set; } = [];

    public int[] LastSent { get; private set; } = [];

    public UInt256[] TrailingCredits { get; private set; } = [];

    public bool[] ExistedBefore { get; private set; } = [];

    /// <summary>The plans of the transactions whose senders are in the partition, in the block's order.</summary>
    public TransferLink[] Links { get; private set; } = [];

    /// <summary>Addresses numbered so far.</summary>
    public int Count { get; private set; }

    /// <summary>Forgets the last block's addresses, expecting about <paramref name="expected"/> of them, and makes room for <paramref name="links"/> links.</summary>
    public void Reset(int expected, int links)
    {
        if (Links.Length < links)
        {
            Links = new TransferLink[Math.Max(links, Links.Length * 2)];
        }

        _numbers.Clear();
        _numbers.EnsureCapacity(expected);
        Count = 0;
        if (Addresses.Length < expected)
        {
            Grow(expected);
        }
    }

    /// <summary>Drops the last block's addresses (kept only by number until the next block otherwise).</summary>
    public void Release()
    {
        _numbers.Clear();
        Count = 0;
    }

    /// <summary>The address's number, numbering it (sent nothing, credited nothing) when it is new.</summary>
    public int Number(in Address address)
    {
        ref var number = ref CollectionsMarshal.GetValueRefOrAddDefault(_numbers, address, out var exists);
        if (!exists)
        {
            if (Count == Addresses.Length)
            {
                Grow(Count * 2);
            }

            number = Count++;
            Addresses[number] = address;
            LastSent[number] = -1;
            TrailingCredits[number] = UInt256.Zero;
            ExistedBefore[number] = false;
        }

        return number;
    }

    private void Grow(int capacity)
    {
        capacity = Math.Max(capacity, 16);
        var addresses = Addresses;
        var lastSent = LastSent;
        var credits = TrailingCredits;
        var existed = ExistedBefore;
        Addresses = new Address[capacity];
        LastSent = new int[capacity];
        TrailingCredits = new UInt256[capacity];
        ExistedBefore = new bool[capacity];
        addresses.AsSpan(0, Count).CopyTo(Addresses);
        lastSent.AsSpan(0, Count).CopyTo(LastSent);
        credits.AsSpan(0, Count).CopyTo(TrailingCredits);
        existed.AsSpan(0, Count).CopyTo(ExistedBefore);
    }
}

/// <summary>
/// The per-transaction tables of a <see cref="PlainTransferBlock"/> and its address partitions, kept from block to
/// block by its executor: a 10,000-transaction block needs about 3 MB of them, large-object-heap arrays that would
/// otherwise be allocated and zeroed for every block (and collected only with generation 2). Grown when a block is
/// larger; only the tables that are read before being written are cleared. One block at a time uses it.
/// </summary>
internal sealed class TransferScratch
{
    public int[] SenderPart { get; private set; } = [];

    public int[] RecipientPart { get; private set; } = [];

    public PlanEvent[] PlanEvents { get; private set; } = [];

    public int[] Rank { get; private set; } = [];

    public TransactionOutcome[] Outcomes { get; private set; } = [];

    public ulong[] ChunkGas { get; private set; } = [];

    public ulong[] ChunkBlobGas { get; private set; } = [];

    public UInt256[] ChunkTips { get; private set; } = [];

    public AccountInfo[] SenderAfter { get; private set; } = [];

    public int[] Done { get; private set; } = [];

    public AddressPartition[] Partitions { get; private set; } = [];

    /// <summary>Transactions of the block that last prepared the tables.</summary>
    private int _prepared;

    /// <summary>Once a block is done with the tables: its outcomes and addresses are not kept alive until the next block.</summary>
    public void Release()
    {
        Array.Clear(Outcomes, 0, _prepared);
        foreach (var partition in Partitions)
        {
            partition.Release();
        }

        _prepared = 0;
    }

    /// <summary>
    /// Makes the tables ready for a block of <paramref name="count"/> transactions, run in chunks of
    /// <paramref name="chunk"/>, over <paramref name="partitions"/> partitions of its addresses.
    /// </summary>
    public void Prepare(int count, int chunk, int partitions)
    {
        if (Rank.Length < count)
        {
            var chunks = (count / chunk) + 1;
            SenderPart = new int[count];
            RecipientPart = new int[count];
            PlanEvents = new PlanEvent[count * 2];
            Rank = new int[count];
            Outcomes = new TransactionOutcome[count];
            ChunkGas = new ulong[chunks];
            ChunkBlobGas = new ulong[chunks];
            ChunkTips = new UInt256[chunks];
            SenderAfter = new AccountInfo[count];
            Done = new int[count];
        }
        else
        {
            // Read before written: the done flags.
            Array.Clear(Done, 0, count);
        }

        if (Partitions.Length < partitions)
        {
            var grown = new AddressPartition[partitions];
            Partitions.CopyTo(grown, 0);
            for (var index = Partitions.Length; index < partitions; index++)
            {
                grown[index] = new AddressPartition();
            }

            Partitions = grown;
        }

        _prepared = count;
    }
}

/// <summary>
/// The EVM's reader for one plain transfer (<see cref="PlainTransferBlock"/>): the sender as the transaction sees it,
/// and the recipient as a code-less account with a placeholder nonce and balance of zero (its credit is applied in
/// order afterwards; nothing in a plain transfer reads either). Any other read marks the execution as outside the plan.
/// </summary>
internal sealed class TransferStateReader : IStateReader
{
    private Address _sender;
    private AccountInfo _senderAccount;
    private bool _senderExists;
    /// <summary>
    /// The recipient as the EVM sees it: existing (a top-level transfer charges nothing for a new account), without code,
    /// a balance of zero standing in for the real one.
    /// </summary>
    private static readonly AccountInfo Recipient = new(0, UInt256.Zero, AccountInfo.EmptyCodeHash);

    private Address _recipient;

    /// <summary>Something outside the sender and the recipient was read: the result does not count.</summary>
    public bool ReadOutsidePlan { get; private set; }

    public void Begin(in Address sender, bool senderExists, in AccountInfo senderAccount, in Address recipient)
    {
        _sender = sender;
        _senderExists = senderExists;
        _senderAccount = senderAccount;
        _recipient = recipient;
        ReadOutsidePlan = false;
    }

    public bool TryGetAccount(in Address address, out AccountInfo account)
    {
        if (address == _sender)
        {
            account = _senderAccount;
            return _senderExists;
        }

        if (address == _recipient)
        {
            account = Recipient;
            return true;
        }

        ReadOutsidePlan = true;
        account = default;
        return false;
    }

    public byte[] GetCode(in Hash256 codeHash)
    {
        if (codeHash != AccountInfo.EmptyCodeHash)
        {
            ReadOutsidePlan = true;
        }

        return [];
    }

    public UInt256 GetStorage(in Address address, in UInt256 slot)
    {
        ReadOutsidePlan = true;
        return UInt256.Zero;
    }

    public Hash256 GetBlockHash(ulong number)
    {
        ReadOutsidePlan = true;
        return Hash256.Zero;
    }
}
