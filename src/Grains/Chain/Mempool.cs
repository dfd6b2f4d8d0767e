using Hyperion.Core;
using Hyperion.Core.Transactions;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Grains.Chain;

/// <summary>
/// The sequencer's pool of admitted transactions. Per sender: the pending run, consecutive nonces from the
/// account's nonce (what blocks take), and the queued ones, at most <see cref="MaxNonceGap"/> past the run's end,
/// which wait for the gap to close (a wallet's back-to-back sends can arrive out of order) and join the run when it
/// does. A nonce below the run is "too low", one further ahead "too high"; one already held is replaced only with a
/// 10% fee bump on both fee fields, as geth requires. Blocks take transactions round-robin over senders in arrival
/// order, so independent senders interleave (what lets Block-STM run them in parallel) and no sender starves the
/// others. Not thread-safe: the sequencer grain owns it.
/// </summary>
public sealed class Mempool(int maxPerSender, int maxTotal)
{
    /// <summary>How far past a sender's next nonce a transaction may wait (geth queues 64 per account).</summary>
    public const int MaxNonceGap = 64;

    /// <summary>geth's replacement rule: both fee fields at least 10% higher.</summary>
    private const int PriceBumpPercent = 10;

    private readonly Dictionary<Address, SenderQueue> _senders = [];
    private readonly LinkedList<SenderQueue> _arrivalOrder = new();
    private readonly Dictionary<Hash256, PoolEntry> _byHash = [];

    public int Count => _byHash.Count;

    /// <summary>Transactions waiting for a nonce gap to close.</summary>
    public int QueuedCount { get; private set; }

    public bool Contains(in Hash256 hash) => _byHash.ContainsKey(hash);

    public PoolEntry? Find(in Hash256 hash) => _byHash.GetValueOrDefault(hash);

    /// <summary>True when the sender has transactions waiting; then <paramref name="nextNonce"/> follows the last.</summary>
    public bool TryGetNextNonce(in Address sender, out ulong nextNonce)
    {
        if (_senders.TryGetValue(sender, out var queue) && queue.Entries.Count > 0)
        {
            nextNonce = queue.FirstNonce + (ulong)queue.Entries.Count;
            return true;
        }

        nextNonce = 0;
        return false;
    }

    public bool HasSender(in Address sender) => _senders.ContainsKey(sender);

    /// <summary>
    /// Admits <paramref name="entry"/> given the sender's account at the head; returns geth's error text, or null when
    /// admitted. <paramref name="replaced"/> is the entry it replaced, if any. Nothing changes on an error.
    /// </summary>
    public string? TryAdd(PoolEntry entry, ulong accountNonce, in UInt256 balance, in UInt256 baseFee, ulong blockGasLimit, out PoolEntry? replaced)
    {
        ArgumentNullException.ThrowIfNull(entry);
        replaced = null;
        var transaction = entry.Transaction;
        if (_byHash.ContainsKey(entry.Hash))
        {
            return "already known";
        }

        if (transaction.GasLimit > blockGasLimit)
        {
            return "exceeds block gas limit";
        }

        var feeCap = transaction.FeeCap;
        if (feeCap < baseFee)
        {
            return $"max fee per gas less than block base fee: address {entry.Sender}, maxFeePerGas: {feeCap}, baseFee: {baseFee}";
        }

        // The gateway refuses fee × gas beyond 256 bits, but the pool does not rely on its caller for that.
        var gas = new UInt256(transaction.GasLimit);
        var fees = feeCap * gas;
        var overflow = transaction.GasLimit != 0 && fees / gas != feeCap;
        var cost = fees + transaction.Value;
        if (overflow || cost < transaction.Value || balance < cost)
        {
            return $"insufficient funds for gas * price + value: address {entry.Sender} have {balance} want {cost}";
        }

        _senders.TryGetValue(entry.Sender, out var queue);
        var first = queue is { Entries.Count: > 0 } ? queue.FirstNonce : Math.Max(accountNonce, queue?.FirstNonce ?? 0);
        var next = first + (ulong)(queue?.Entries.Count ?? 0);
        if (transaction.Nonce < first)
        {
            return $"nonce too low: next nonce {first}, tx nonce {transaction.Nonce}";
        }

        if (transaction.Nonce > next + MaxNonceGap)
        {
            return $"nonce too high: next nonce {next}, tx nonce {transaction.Nonce} (at most {MaxNonceGap} ahead are held; send the missing nonces first)";
        }

        if (transaction.Nonce < next)
        {
            var index = (int)(transaction.Nonce - first);
            var existing = queue!.Entries[index];
            if (existing.InFlight)
            {
                return "replacement transaction underpriced: the transaction with this nonce is being sealed into a block";
            }

            if (!IsBumped(existing.Transaction, transaction))
            {
                return "replacement transaction underpriced";
            }

            _byHash.Remove(existing.Hash);
            queue.Entries[index] = entry;
            _byHash[entry.Hash] = entry;
            replaced = existing;
            return null;
        }

        if (queue is not null && queue.Future.TryGetValue(transaction.Nonce, out var waiting))
        {
            if (!IsBumped(waiting.Transaction, transaction))
            {
                return "replacement transaction underpriced";
            }

            _byHash.Remove(waiting.Hash);
            queue.Future[transaction.Nonce] = entry;
            _byHash[entry.Hash] = entry;
            replaced = waiting;
            return null;
        }

        if (_byHash.Count >= maxTotal)
        {
            return "txpool is full";
        }

        if (queue is not null && queue.Entries.Count + queue.Future.Count >= maxPerSender)
        {
            return $"account limit exceeded: {entry.Sender} has {queue.Entries.Count + queue.Future.Count} transactions waiting";
        }

        if (queue is null)
        {
            queue = new SenderQueue(entry.Sender) { FirstNonce = accountNonce };
            _senders[entry.Sender] = queue;
            queue.Node = _arrivalOrder.AddLast(queue);
        }
        else if (queue.Entries.Count == 0)
        {
            // Only queued ones so far: the run starts at the account's nonce as of now.
            queue.FirstNonce = first;
        }

        _byHash[entry.Hash] = entry;
        if (transaction.Nonce == next)
        {
            queue.Entries.Add(entry);
            Promote(queue);
        }
        else
        {
            queue.Future[transaction.Nonce] = entry;
            QueuedCount++;
        }

        return null;
    }

    /// <summary>Moves queued transactions that now follow the run into it.</summary>
    private void Promote(SenderQueue queue)
    {
        var next = queue.FirstNonce + (ulong)queue.Entries.Count;
        while (queue.Future.Remove(next, out var waiting))
        {
            queue.Entries.Add(waiting);
            QueuedCount--;
            next++;
        }
    }

    /// <summary>
    /// Takes the next block's transactions: round-robin over senders, each in nonce order, while the gas limits fit
    /// <paramref name="gasBudget"/> and the fee cap covers <paramref name="baseFee"/>. They are marked in flight
    /// until <see cref="Complete"/> or <see cref="Release"/>.
    /// </summary>
    public List<PoolEntry> TakeBatch(ulong gasBudget, in UInt256 baseFee, int maxCount)
    {
        var batch = new List<PoolEntry>();
        var cursors = new List<(SenderQueue Queue, int Next)>();
        foreach (var queue in _arrivalOrder)
        {
            var start = queue.Entries.FindIndex(entry => !entry.InFlight);
            if (start >= 0)
            {
                cursors.Add((queue, start));
            }
        }

        var remaining = gasBudget;
        while (cursors.Count > 0 && batch.Count < maxCount)
        {
            for (var i = 0; i < cursors.Count && batch.Count < maxCount; i++)
            {
                var (queue, next) = cursors[i];
                var entry = queue.Entries[next];
                if (entry.Transaction.GasLimit > remaining || entry.Transaction.FeeCap < baseFee)
                {
                    // This sender waits for a later block (its later nonces cannot go before this one).
                    cursors[i] = (queue, queue.Entries.Count);
                }
                else
                {
                    entry.InFlight = true;
                    batch.Add(entry);
                    remaining -= entry.Transaction.GasLimit;
                    cursors[i] = (queue, next + 1);
                }
            }

            cursors.RemoveAll(cursor => cursor.Next >= cursor.Queue.Entries.Count);
        }

        return batch;
    }

    /// <summary>
    /// After a block: included transactions leave and their senders' runs advance; refused ones leave (with every
    /// later nonce of their sender, which can no longer follow); anything else in flight waits for the next block.
    /// </summary>
    public void Complete(IReadOnlyCollection<Hash256> included, IReadOnlyCollection<RejectedTransaction> rejected)
    {
        ArgumentNullException.ThrowIfNull(included);
        ArgumentNullException.ThrowIfNull(rejected);
        foreach (var hash in included)
        {
            if (_byHash.Remove(hash, out var entry) && _senders.TryGetValue(entry.Sender, out var queue))
            {
                var index = queue.Entries.IndexOf(entry);
                if (index >= 0)
                {
                    // Included in nonce order, so this is the first; anything before it was included too.
                    for (var i = 0; i < index; i++)
                    {
                        _byHash.Remove(queue.Entries[i].Hash);
                    }

                    queue.Entries.RemoveRange(0, index + 1);
                    queue.FirstNonce = entry.Transaction.Nonce + 1;
                    foreach (var stale in queue.Future.Keys.Where(nonce => nonce < queue.FirstNonce).ToList())
                    {
                        _byHash.Remove(queue.Future[stale].Hash);
                        queue.Future.Remove(stale);
                        QueuedCount--;
                    }

                    Promote(queue);
                }
            }
        }

        foreach (var rejection in rejected)
        {
            if (rejection.Retry || !_byHash.TryGetValue(rejection.Hash, out var entry) || !_senders.TryGetValue(entry.Sender, out var queue))
            {
                continue;
            }

            var index = queue.Entries.IndexOf(entry);
            if (index >= 0)
            {
                for (var i = index; i < queue.Entries.Count; i++)
                {
                    _byHash.Remove(queue.Entries[i].Hash);
                }

                queue.Entries.RemoveRange(index, queue.Entries.Count - index);
            }
        }

        foreach (var queue in _arrivalOrder.ToList())
        {
            foreach (var entry in queue.Entries)
            {
                entry.InFlight = false;
            }

            if (queue.Entries.Count == 0 && queue.Future.Count == 0)
            {
                _senders.Remove(queue.Sender);
                _arrivalOrder.Remove(queue.Node!);
            }
        }
    }

    /// <summary>The block failed: everything in flight waits for the next one.</summary>
    public void Release() => Complete([], []);

    private static bool IsBumped(Transaction existing, Transaction replacement)
    {
        var hundred = new UInt256(100);
        var bumped = new UInt256(100 + PriceBumpPercent);
        return replacement.FeeCap * hundred >= existing.FeeCap * bumped && replacement.TipCap * hundred >= existing.TipCap * bumped;
    }

    private sealed class SenderQueue(Address sender)
    {
        public Address Sender { get; } = sender;

        public ulong FirstNonce { get; set; }

        public List<PoolEntry> Entries { get; } = [];

        /// <summary>Transactions past a nonce gap, by nonce.</summary>
        public SortedDictionary<ulong, PoolEntry> Future { get; } = [];

        public LinkedListNode<SenderQueue>? Node { get; set; }
    }
}

/// <summary>An admitted transaction: decoded, its network encoding, its sender and hash.</summary>
public sealed class PoolEntry(Transaction transaction, byte[] raw, Address sender)
{
    public Transaction Transaction { get; } = transaction;

    public byte[] Raw { get; } = raw;

    public Address Sender { get; } = sender;

    public Hash256 Hash { get; } = transaction.Hash;

    public bool InFlight { get; set; }
}
