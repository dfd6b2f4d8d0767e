using System.Diagnostics;
using System.Runtime.ExceptionServices;
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
/// Scheduling: the first worker makes the plan (numbers the addresses, links each transaction to its sender's previous
/// one), publishing it a chunk at a time, then joins the others, which run what is planned meanwhile. Transactions are
/// handed out in order, a chunk at a time, and a worker takes its chunk in order; the lowest unfinished transaction's
/// predecessors are all finished, so the worker holding it never waits and the block always progresses. Once every
/// transaction ran, the workers turn a share of the accounts each into the block's changes (partitioned by address);
/// then one worker credits the coinbase and the withdrawals on the block's overlay and adds what it changed, while
/// another builds the receipts; the calling thread only waits.
/// </para>
/// </remarks>
internal sealed class PlainTransferBlock : IWorkerJob
{
    /// <summary>Transactions a worker takes at once (and the plan publishes at once): fewer trips to shared counters.</summary>
    private const int Chunk = 16;

    private readonly EvmBlock _block;
    private readonly TransferScratch _scratch;
    private readonly BlockStateOverlay _preState;
    private readonly EvmWorkers _workers;
    private readonly int _count;
    private readonly int _activeWorkers;

    // The plan, made by the first worker while the others run what it has planned so far: per transaction its
    // sender's and recipient's numbers (addresses numbered in the block), the sender's previous transaction, and the
    // credits the sender got since then.
    private readonly int[] _sender;
    private readonly int[] _recipient;
    private readonly int[] _previous;
    private readonly UInt256[] _creditsBefore;
    private readonly List<Address> _addresses;

    /// <summary>Per address: the credits after its last transaction as a sender (all of them for an address that never sends).</summary>
    private readonly UInt256[] _trailingCredits;

    /// <summary>Per address: its last transaction as a sender, or -1.</summary>
    private readonly int[] _lastSent;

    // What the workers produce: per transaction its outcome, its tip, and its sender's account after it; the flag
    // that says it is done (written last, read by the sender's next transaction).
    private readonly TransactionOutcome[] _outcomes;
    private readonly UInt256[] _tips;
    private readonly AccountInfo[] _senderAfter;
    private readonly int[] _done;

    private readonly long _started = Stopwatch.GetTimestamp();
    private int _next;

    /// <summary>How many transactions the plan covers so far (published a chunk at a time).</summary>
    private int _planned;
    private readonly WorkerJobCompletion _completion;

    /// <summary>Active workers done with the transactions: the finish starts when all are.</summary>
    private int _arrived;

    /// <summary>Active workers done with their share of the accounts.</summary>
    private int _settled;

    /// <summary>
    /// Per active worker, the changes of its share of the accounts (those whose address hash is its index modulo the
    /// workers: the parts of the block's partitioned changes), and the accounts of its share that the overlay had
    /// changed before the transactions, which go through the overlay instead.
    /// </summary>
    private readonly Dictionary<Address, AccountChange>[] _changedParts;
    private readonly List<(Address Address, ulong? Nonce, UInt256 Balance)>[] _throughOverlay;

    /// <summary>Per address number: whether the account existed before the block (known for senders from their first transaction).</summary>
    private readonly bool[] _existedBefore;
    private volatile bool _givenUp;
    private BlockReceiptBuilder? _receipts;
    private ExceptionDispatchInfo? _receiptsFailure;
    private StateChanges? _changes;

    private PlainTransferBlock(EvmBlock block, BlockStateOverlay preState, EvmWorkers workers, int poolSize, TransferScratch scratch)
    {
        _block = block;
        _preState = preState;
        _workers = workers;
        _count = block.Transactions.Count;
        _activeWorkers = Math.Min(poolSize, Math.Max(1, _count / Chunk));
        _completion = new WorkerJobCompletion(poolSize);
        _scratch = scratch;
        scratch.Prepare(_count);
        _sender = scratch.Sender;
        _recipient = scratch.Recipient;
        _previous = scratch.Previous;
        _creditsBefore = scratch.CreditsBefore;
        _addresses = scratch.Addresses;
        _trailingCredits = scratch.TrailingCredits;
        _lastSent = scratch.LastSent;
        _outcomes = scratch.Outcomes;
        _tips = scratch.Tips;
        _senderAfter = scratch.SenderAfter;
        _done = scratch.Done;
        _existedBefore = scratch.ExistedBefore;
        _changedParts = new Dictionary<Address, AccountChange>[_activeWorkers];
        _throughOverlay = new List<(Address, ulong?, UInt256)>[_activeWorkers];
    }

    /// <summary>Why the block was given up, for diagnostics; null while it was not.</summary>
    public string? GivenUpReason { get; private set; }

    /// <summary>
    /// The block as plain transfers, or null when it is not a block of plain transfers. Senders must be recovered
    /// already (a transaction whose sender does not recover disqualifies the block). Only looks at the transactions:
    /// the numbering of addresses and the links between a sender's transactions are made by the first worker.
    /// </summary>
    /// <param name="block">The block.</param>
    /// <param name="preState">The block's overlay, read as the pre-state and changed only once the run cannot give up.</param>
    /// <param name="workers">The EVMs of the executing threads.</param>
    /// <param name="poolSize">The executor's threads.</param>
    /// <param name="scratch">The per-transaction tables, reused from block to block (one block at a time uses them).</param>
    public static PlainTransferBlock? TryCreate(EvmBlock block, BlockStateOverlay preState, EvmWorkers workers, int poolSize, TransferScratch scratch)
    {
        var coinbase = block.Context.Coinbase;
        var precompiles = workers.Precompiles;
        var (mask0, mask8, mask16) = PrecompileBits(precompiles);
        var transactions = block.Transactions;
        for (var index = 0; index < transactions.Count; index++)
        {
            var transaction = transactions[index];
            if (transaction.To is not { } to
                || transaction.Data.Length != 0
                || transaction.Value.IsZero
                || transaction.AccessList.Count != 0
                || transaction.Type is not (TxType.Legacy or TxType.AccessList or TxType.DynamicFee)
                || transaction.IsSystemTransaction
                || !transaction.TryRecoverSender(out var from)
                || from == to
                || from == coinbase
                || to == coinbase
                || (MayBePrecompile(to, mask0, mask8, mask16) && precompiles.Contains(to)))
            {
                return null;
            }
        }

        return new PlainTransferBlock(block, preState, workers, poolSize, scratch);
    }

    /// <summary>The bits set in any precompile's address, per word (the precompiles are 0x00…0n).</summary>
    private static (ulong, ulong, uint) PrecompileBits(PrecompileTable precompiles)
    {
        ulong mask0 = 0, mask8 = 0;
        uint mask16 = 0;
        foreach (var address in precompiles.Addresses)
        {
            var bytes = address.Bytes;
            mask0 |= MemoryMarshal.Read<ulong>(bytes);
            mask8 |= MemoryMarshal.Read<ulong>(bytes[8..]);
            mask16 |= MemoryMarshal.Read<uint>(bytes[16..]);
        }

        return (mask0, mask8, mask16);
    }

    /// <summary>
    /// False when the address has a bit set that no precompile's has, so it is none (an ordinary address is ruled out by
    /// three compares, not a table lookup); true leaves the answer to the table.
    /// </summary>
    private static bool MayBePrecompile(in Address address, ulong mask0, ulong mask8, uint mask16)
    {
        var bytes = address.Bytes;
        return (MemoryMarshal.Read<ulong>(bytes) & ~mask0) == 0
            && (MemoryMarshal.Read<ulong>(bytes[8..]) & ~mask8) == 0
            && (MemoryMarshal.Read<uint>(bytes[16..]) & ~mask16) == 0;
    }

    public Task Completion => _completion.Task;

    public void Run(int workerIndex)
    {
        try
        {
            if (workerIndex == 0)
            {
                Plan();
            }

            if (workerIndex < _activeWorkers)
            {
                Work();

                // Once every transaction ran, every worker turns a share of the accounts into their changes; then the
                // first adds the few the overlay has to see (the coinbase, withdrawals) while the second builds the receipts.
                Interlocked.Increment(ref _arrived);
                if (WaitFor(ref _arrived, _activeWorkers) && !_givenUp)
                {
                    SettleAccounts(workerIndex);
                    Interlocked.Increment(ref _settled);
                    if (workerIndex == 0 && WaitFor(ref _settled, _activeWorkers) && !_givenUp)
                    {
                        ApplyState();
                    }

                    if (workerIndex == Math.Min(1, _activeWorkers - 1))
                    {
                        BuildReceipts();
                    }
                }
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
    /// as it was); the exception the receipts threw (an invalid block, as the engine would report it); or the
    /// receipts and the block's changes.
    /// </summary>
    public (BlockReceiptBuilder Receipts, StateChanges Changes)? Result()
    {
        if (_givenUp)
        {
            return null;
        }

        _receiptsFailure?.Throw();
        return (_receipts!, _changes!);
    }

    /// <summary>The receipts, in order: the block-level rules (gas pool, blob gas) apply here as in every executor.</summary>
    private void BuildReceipts()
    {
        var receipts = new BlockReceiptBuilder(_block, _workers.Spec);
        try
        {
            for (var index = 0; index < _count; index++)
            {
                receipts.Add(_outcomes[index]);
            }
        }
        catch (Exception invalid)
        {
            _receiptsFailure = ExceptionDispatchInfo.Capture(invalid);
        }

        _receipts = receipts;
    }

    /// <summary>
    /// One worker's share of the accounts (address hash equal to its index modulo the workers) as the block's changes:
    /// final nonce and balance, no code (checked), storage marked cleared for an account the block creates, as the
    /// sequential run's first credit to it does. Nothing is written to the overlay; a failed check gives the block up.
    /// An address that only receives is read here for the first time: with code, it was no plain transfer (one that
    /// sends has none, or its transaction would have been rejected, EIP-3607).
    /// </summary>
    private void SettleAccounts(int workerIndex)
    {
        var state = _preState;
        var changes = new Dictionary<Address, AccountChange>((_addresses.Count / _activeWorkers) + 16);
        var throughOverlay = new List<(Address, ulong?, UInt256)>();
        for (var number = 0; number < _addresses.Count && !_givenUp; number++)
        {
            var address = _addresses[number];
            if (BlockStateOverlay.PartOf(address, _activeWorkers) != workerIndex)
            {
                continue;
            }

            var last = _lastSent[number];
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
                existed = _existedBefore[number];
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

            if (UInt256.AddOverflow(before, _trailingCredits[number], out var balance))
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

        _changedParts[workerIndex] = changes;
        _throughOverlay[workerIndex] = throughOverlay;
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
        var coinbaseExisted = state.TryGetAccount(_block.Context.Coinbase, out var coinbaseBefore);
        var tips = UInt256.Zero;
        for (var index = 0; index < _count; index++)
        {
            if (UInt256.AddOverflow(tips, _tips[index], out tips))
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
            state.ClearStorage(_block.Context.Coinbase);
        }

        state.AddBalance(_block.Context.Coinbase, tips);
        WithdrawalProcessor.Apply(state, _block.Withdrawals);
        var overlay = state.ToChanges();
        foreach (var (address, change) in overlay.Accounts)
        {
            _changedParts[BlockStateOverlay.PartOf(address, _activeWorkers)][address] = change;
        }

        _changes = new StateChanges(new PartitionedDictionary<Address, AccountChange>(_changedParts), overlay.Code);
    }

    public BlockExecutionStats Stats() => new()
    {
        Mode = BlockExecutionMode.ParallelTransfers,
        TransactionCount = _count,
        WorkerCount = _activeWorkers,
        Executions = _count,
        Elapsed = Stopwatch.GetElapsedTime(_started),
    };

    private void GiveUp(string reason)
    {
        GivenUpReason ??= reason;
        _givenUp = true;
    }

    /// <summary>
    /// Numbers the addresses and links each transaction to its sender's previous one, with the credits between, a
    /// chunk at a time so that the other workers can start on what is planned. Gives up when a credit sum overflows.
    /// </summary>
    private void Plan()
    {
        var numbers = _scratch.Numbers;
        var transactions = _block.Transactions;
        Array.Fill(_lastSent, -1, 0, _count * 2);
        for (var index = 0; index < _count && !_givenUp; index++)
        {
            var transaction = transactions[index];
            transaction.TryRecoverSender(out var sender);
            var from = Number(numbers, sender);
            var to = Number(numbers, transaction.To!.Value);
            _sender[index] = from;
            _recipient[index] = to;
            _previous[index] = _lastSent[from];
            _lastSent[from] = index;
            _creditsBefore[index] = _trailingCredits[from];
            _trailingCredits[from] = UInt256.Zero;
            ref var credits = ref _trailingCredits[to];
            if (UInt256.AddOverflow(credits, transaction.Value, out credits))
            {
                GiveUp("the credits to an address overflow");
                return;
            }

            if ((index + 1) % Chunk == 0 || index + 1 == _count)
            {
                Volatile.Write(ref _planned, index + 1);
            }
        }
    }

    private int Number(Dictionary<Address, int> numbers, in Address address)
    {
        ref var number = ref CollectionsMarshal.GetValueRefOrAddDefault(numbers, address, out var exists);
        if (!exists)
        {
            number = _addresses.Count;
            _addresses.Add(address);
        }

        return number;
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
            if (!WaitFor(ref _planned, end))
            {
                return;
            }

            for (var index = start; index < end && !_givenUp; index++)
            {
                if (!Execute(index, worker, context))
                {
                    _givenUp = true;
                    return;
                }
            }
        }
    }

    /// <summary>Waits until <paramref name="flag"/> reaches <paramref name="target"/>; false when the block was given up meanwhile.</summary>
    private bool WaitFor(ref int flag, int target)
    {
        var spin = default(SpinWait);
        while (Volatile.Read(ref flag) < target)
        {
            if (_givenUp)
            {
                return false;
            }

            // No Sleep(1): the wait is for another worker in the middle of a transaction or two, never for long.
            spin.SpinOnce(sleep1Threshold: -1);
        }

        return true;
    }

    /// <summary>Runs one (planned) transaction once its sender's previous one is done; false gives the block up.</summary>
    private bool Execute(int index, EvmWorker worker, BlockContext context)
    {
        var transaction = _block.Transactions[index];
        transaction.TryRecoverSender(out var from);
        var previous = _previous[index];
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
            _existedBefore[_sender[index]] = senderExists;
            if (!senderExists)
            {
                sender = new AccountInfo(0, UInt256.Zero, AccountInfo.EmptyCodeHash);
            }
        }

        var credits = _creditsBefore[index];
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

        _outcomes[index] = TransactionOutcome.From(result);
        _tips[index] = result.CoinbasePayment;
        Volatile.Write(ref _done[index], 1);
        return true;
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

/// <summary>
/// The per-transaction tables of a <see cref="PlainTransferBlock"/>, kept from block to block by its executor: a
/// 10,000-transaction block needs about 3 MB of them, large-object-heap arrays that would otherwise be allocated and
/// zeroed for every block (and collected only with generation 2). Grown when a block is larger; only the tables
/// that are read before being written are cleared. One block at a time uses it.
/// </summary>
internal sealed class TransferScratch
{
    public int[] Sender { get; private set; } = [];

    public int[] Recipient { get; private set; } = [];

    public int[] Previous { get; private set; } = [];

    public UInt256[] CreditsBefore { get; private set; } = [];

    public UInt256[] TrailingCredits { get; private set; } = [];

    public int[] LastSent { get; private set; } = [];

    public TransactionOutcome[] Outcomes { get; private set; } = [];

    public UInt256[] Tips { get; private set; } = [];

    public AccountInfo[] SenderAfter { get; private set; } = [];

    public int[] Done { get; private set; } = [];

    public bool[] ExistedBefore { get; private set; } = [];

    public List<Address> Addresses { get; } = [];

    /// <summary>The plan's numbering of addresses.</summary>
    public Dictionary<Address, int> Numbers { get; } = [];

    /// <summary>Transactions of the block that last prepared the tables.</summary>
    private int _prepared;

    /// <summary>Once a block is done with the tables: its outcomes and addresses are not kept alive until the next block.</summary>
    public void Release()
    {
        Array.Clear(Outcomes, 0, _prepared);
        Addresses.Clear();
        Numbers.Clear();
        _prepared = 0;
    }

    /// <summary>Makes the tables ready for a block of <paramref name="count"/> transactions (up to twice as many addresses).</summary>
    public void Prepare(int count)
    {
        if (Sender.Length < count)
        {
            Sender = new int[count];
            Recipient = new int[count];
            Previous = new int[count];
            CreditsBefore = new UInt256[count];
            TrailingCredits = new UInt256[count * 2];
            LastSent = new int[count * 2];
            Outcomes = new TransactionOutcome[count];
            Tips = new UInt256[count];
            SenderAfter = new AccountInfo[count];
            Done = new int[count];
            ExistedBefore = new bool[count * 2];
        }
        else
        {
            // Read before written: the done flags, and the credits each address gathers (a sum from zero).
            Array.Clear(Done, 0, count);
            Array.Clear(TrailingCredits, 0, count * 2);
        }

        _prepared = count;

        Addresses.Clear();
        Addresses.EnsureCapacity(count * 2);
        Numbers.Clear();
        Numbers.EnsureCapacity(count * 2);
    }
}
