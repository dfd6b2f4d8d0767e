using System.Diagnostics;
using System.Text.Json;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;

namespace Hyperion.Node.Benchmarks;

/// <summary>What one node did under the load.</summary>
internal sealed record LoadResult(
    string Node,
    int Transactions,
    int Senders,
    int Committed,
    int SubmitErrors,
    string? FirstSubmitError,
    double CommittedTps,
    double P50Ms,
    double P99Ms,
    double SubmitSeconds,
    double TotalSeconds,
    int Blocks,
    string Fees,
    int? Kicks,
    string Cpu,
    string? Diagnosis)
{
    public bool Complete => Committed == Transactions;
}

/// <summary>
/// The load: signed EIP-1559 value transfers from the development accounts, each sender sending its share back to back
/// (increasing nonces, never waiting for a receipt), with at most --concurrency submissions in flight over all senders.
/// Commits are observed by polling eth_blockNumber and reading each new block's transaction hashes; a transaction's
/// latency is from just before its eth_sendRawTransaction was sent to the poll that first saw its block.
/// </summary>
internal static class TransferLoad
{
    /// <summary>The priority fee of every transfer.</summary>
    private static readonly UInt256 Tip = 1_000_000_000;

    /// <summary>Wei per transfer: any non-zero value moves balances on both sides.</summary>
    private static readonly UInt256 Value = 1_000_000_000;

    /// <summary>How often the head is polled: the resolution of every latency figure.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>After the last submission, a node that commits nothing new for this long is taken to be done.</summary>
    public static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Blocks read per batch request: anvil automines hundreds of blocks in a run, and after evm_mine bursts of empty ones.</summary>
    private const int BlocksPerBatch = 100;

    public static async Task<LoadResult> RunAsync(NodeUnderTest node, BenchmarkOptions options, IReadOnlyList<PrivateKey> senders)
    {
        // The submissions get their own connection pool, and the observer its own, so that a poll never waits behind
        // a queue of submissions (which would add that wait to every latency).
        using var submitClient = new JsonRpcClient(node.Url, options.Concurrency);
        using var observerClient = new JsonRpcClient(node.Url, maxConnections: 2);

        // 3x the price the node quotes now, so that the base fee rising under load does not strand transactions.
        var gasPrice = UInt256.Parse(StringOf(await observerClient.CallAsync("eth_gasPrice", "[]").ConfigureAwait(false)));
        var maxFee = gasPrice * 3;
        if (maxFee < Tip)
        {
            maxFee = Tip;
        }

        var fees = $"eth_gasPrice={gasPrice} wei maxFeePerGas={maxFee} wei maxPriorityFeePerGas={Tip} wei";

        var nonceRequests = senders.Select(key => ("eth_getTransactionCount", $"[\"{key.Address}\",\"latest\"]")).ToList();
        var nonces = (await observerClient.BatchAsync(nonceRequests).ConfigureAwait(false)).Select(JsonRpcClient.ParseQuantity).ToArray();

        // Everything is signed before anything is sent: signing is the client's cost, not the node's.
        var warmup = new List<SignedTransfer>[senders.Count];
        var measured = new List<SignedTransfer>[senders.Count];
        for (var s = 0; s < senders.Count; s++)
        {
            var share = (options.Transactions / senders.Count) + (s < options.Transactions % senders.Count ? 1 : 0);
            warmup[s] = Sign(senders[s], s, nonces[s], options.WarmupPerSender, maxFee);
            measured[s] = Sign(senders[s], s, nonces[s] + (ulong)options.WarmupPerSender, share, maxFee);
        }

        if (options.WarmupPerSender > 0)
        {
            var warm = await RunPhaseAsync(submitClient, observerClient, warmup, options.Concurrency, node.StallKick).ConfigureAwait(false);
            if (warm.Committed != warm.Transactions)
            {
                throw new InvalidOperationException(
                    $"{node.Name}: only {warm.Committed} of {warm.Transactions} warm-up transactions committed "
                    + $"({warm.SubmitErrors} submit errors{(warm.FirstSubmitError is null ? string.Empty : $", first: {warm.FirstSubmitError}")}); "
                    + await DiagnoseAsync(observerClient, warm, senders, node.Process).ConfigureAwait(false));
            }
        }

        // CPU used by the node and by this load generator during the measured phase: on a small machine they share the cores.
        var nodeCpu = node.Process.CpuTime;
        var ownCpu = Environment.CpuUsage.TotalTime;
        var wall = Stopwatch.StartNew();
        var phase = await RunPhaseAsync(submitClient, observerClient, measured, options.Concurrency, node.StallKick).ConfigureAwait(false);
        var cpu = $"CPU over the measured {wall.Elapsed.TotalSeconds:F2} s: node {(node.Process.CpuTime - nodeCpu).TotalSeconds:F2} s, "
            + $"load generator {(Environment.CpuUsage.TotalTime - ownCpu).TotalSeconds:F2} s";
        var diagnosis = phase.Committed == phase.Transactions ? null : await DiagnoseAsync(observerClient, phase, senders, node.Process).ConfigureAwait(false);
        return phase.ToResult(node.Name, senders.Count, fees, node.StallKick is null ? null : phase.Kicks, cpu, diagnosis);
    }

    /// <summary>
    /// Why transfers are missing, as far as the node says: how many of the uncommitted ones it had accepted (then lost,
    /// or still holds) and how many it refused; then, for the first uncommitted one it accepted (else the first of all),
    /// its receipt, its sender's committed nonce, the node's pool status and the node's own log line about it, if any.
    /// </summary>
    private static async Task<string> DiagnoseAsync(JsonRpcClient client, Phase phase, IReadOnlyList<PrivateKey> senders, ChildProcess process)
    {
        var uncommitted = phase.PerSender
            .SelectMany((transfers, sender) => transfers.Select(transfer => (Transfer: transfer, Sender: sender, Index: phase.IndexOf[transfer.Hash])))
            .Where(item => phase.CommitTicks[item.Index] == 0)
            .ToList();
        var accepted = uncommitted.Where(item => phase.SubmitTicks[item.Index] != 0 && phase.SubmitErrorOf[item.Index] is null).ToList();
        var summary = $"{accepted.Count} of the {uncommitted.Count} uncommitted transfers were accepted by the node, "
            + $"{uncommitted.Count(item => phase.SubmitErrorOf[item.Index] is not null)} refused";
        if (uncommitted.Count == 0)
        {
            return summary;
        }

        var (transfer, sender, index) = accepted.Count > 0 ? accepted[0] : uncommitted[0];
        try
        {
            var head = JsonRpcClient.ParseQuantity(await client.CallAsync("eth_blockNumber", "[]").ConfigureAwait(false));
            var receipt = await client.CallAsync("eth_getTransactionReceipt", $"[\"{transfer.Hash}\"]").ConfigureAwait(false);
            var nonce = JsonRpcClient.ParseQuantity(
                await client.CallAsync("eth_getTransactionCount", $"[\"{senders[sender].Address}\",\"latest\"]").ConfigureAwait(false));
            var submitted = phase.SubmitErrorOf[index] is { } refusal
                ? $"refused ({refusal})"
                : phase.SubmitTicks[index] == 0 ? "never submitted" : "accepted";
            var receiptText = receipt.ValueKind == JsonValueKind.Object && receipt.TryGetProperty("blockNumber", out var block)
                ? $"has a receipt in block {JsonRpcClient.ParseQuantity(block)}"
                : "has no receipt";
            var logged = process.OutputTail.Split('\n').FirstOrDefault(line => line.Contains(transfer.Hash[2..], StringComparison.OrdinalIgnoreCase));
            return $"{summary}; head block {head} (the observer read up to {phase.LastBlockRead}); transfer {transfer.Hash} "
                + $"(sender {sender} {senders[sender].Address}, nonce {transfer.Nonce}) was {submitted} and {receiptText}; "
                + $"the sender's committed nonce is {nonce}; {await PoolStatusAsync(client).ConfigureAwait(false)}; "
                + (logged is null ? "the node logged nothing about it" : $"the node logged: {logged.Trim()}");
        }
        catch (Exception exception) when (exception is JsonRpcException or HttpRequestException or FormatException)
        {
            return $"{summary}; the node could not be asked more: {exception.Message}";
        }
    }

    private static List<SignedTransfer> Sign(PrivateKey key, int senderIndex, ulong firstNonce, int count, UInt256 maxFee)
    {
        // Each sender pays its own recipient, a fresh address: transfers of different senders touch disjoint accounts,
        // as independent users' payments mostly do.
        Span<byte> recipient = stackalloc byte[Address.Length];
        recipient.Clear();
        recipient[0] = 0xbe;
        recipient[1] = 0x4c;
        BitConverter.TryWriteBytes(recipient[^4..], senderIndex);
        var to = new Address(recipient);

        var transfers = new List<SignedTransfer>(count);
        for (var i = 0; i < count; i++)
        {
            var transaction = new Transaction
            {
                Type = TxType.DynamicFee,
                ChainId = BenchmarkOptions.ChainId,
                Nonce = firstNonce + (ulong)i,
                MaxFeePerGas = maxFee,
                MaxPriorityFeePerGas = Tip,
                GasLimit = 21_000,
                To = to,
                Value = Value,
            }.Sign(key);
            transfers.Add(new SignedTransfer(transaction.Hash.ToString(), transaction.Nonce, Hex.Encode(transaction.EncodeNetworkForm())));
        }

        return transfers;
    }

    private static async Task<Phase> RunPhaseAsync(
        JsonRpcClient submitClient, JsonRpcClient observerClient, IReadOnlyList<List<SignedTransfer>> perSender, int concurrency, TimeSpan? stallKick)
    {
        var phase = new Phase(perSender);
        var startHead = JsonRpcClient.ParseQuantity(await observerClient.CallAsync("eth_blockNumber", "[]").ConfigureAwait(false));
        using var stop = new CancellationTokenSource();
        var observer = Task.Run(() => ObserveAsync(observerClient, phase, startHead, stallKick, stop.Token));

        using var inFlight = new SemaphoreSlim(concurrency);
        var submitters = Task.WhenAll(Enumerable.Range(0, perSender.Count).Select(s => Task.Run(() => SubmitAsync(submitClient, phase, s, inFlight, stop.Token))));
        if (await Task.WhenAny(submitters, observer).ConfigureAwait(false) == observer && observer.IsFaulted)
        {
            // The observer failed (a node that cannot report its head or list a block's transactions): stop sending, let
            // the senders wind down, and report the observer's failure.
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await submitters.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ours, from the line above.
            }

            await observer.ConfigureAwait(false);
        }

        try
        {
            await submitters.ConfigureAwait(false);
        }
        finally
        {
            phase.SubmitsDoneAt = Stopwatch.GetTimestamp();
        }

        await observer.ConfigureAwait(false);
        return phase;
    }

    private static async Task SubmitAsync(JsonRpcClient client, Phase phase, int sender, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        foreach (var transfer in phase.PerSender[sender])
        {
            await inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var index = phase.IndexOf[transfer.Hash];
                Volatile.Write(ref phase.SubmitTicks[index], Stopwatch.GetTimestamp());
                var hash = StringOf(await client.CallAsync("eth_sendRawTransaction", $"[\"{transfer.Raw}\"]", cancellationToken).ConfigureAwait(false));
                if (!string.Equals(hash, transfer.Hash, StringComparison.OrdinalIgnoreCase))
                {
                    phase.SubmitFailed(index, $"eth_sendRawTransaction answered hash {hash}, expected {transfer.Hash}");
                }
                else
                {
                    phase.Accepted();
                }
            }
            catch (Exception exception) when (exception is JsonRpcException or HttpRequestException or FormatException
                || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // (An OperationCanceledException that is not ours is HttpClient's timeout.)
                // Counted and sent on: the same load reaches the node whatever it refuses, and the refusal shows in the result.
                phase.SubmitFailed(phase.IndexOf[transfer.Hash], exception.Message);
            }
            finally
            {
                inFlight.Release();
            }
        }
    }

    private static async Task ObserveAsync(JsonRpcClient client, Phase phase, ulong startHead, TimeSpan? stallKick, CancellationToken cancellationToken)
    {
        var lastRead = startHead;
        var lastProgress = Stopwatch.GetTimestamp();
        var lastKick = lastProgress;
        var lastHeadChange = lastProgress;
        var lastHead = startHead;
        while (phase.Committed < phase.Transactions && !cancellationToken.IsCancellationRequested)
        {
            var pollStart = Stopwatch.GetTimestamp();
            if (phase.SubmitsDoneAt is long done && Stopwatch.GetElapsedTime(Math.Max(done, lastProgress)) > StallTimeout)
            {
                return;
            }

            var head = JsonRpcClient.ParseQuantity(await client.CallAsync("eth_blockNumber", "[]", cancellationToken).ConfigureAwait(false));

            // Every transaction in a block this poll is the first to see was committed "now": exact to one poll interval.
            var seenAt = Stopwatch.GetTimestamp();
            if (head != lastHead)
            {
                lastHead = head;
                lastHeadChange = seenAt;
            }

            if (stallKick is { } kickAfter && phase.Committed < phase.AcceptedCount
                && Stopwatch.GetElapsedTime(Math.Max(Math.Max(lastProgress, lastHeadChange), lastKick), seenAt) > kickAfter)
            {
                // anvil's miner has stopped with transfers it accepted unmined (BenchmarkOptions.AnvilKickMs): wake it. Only
                // when it has made no block at all for that long, because evm_mine while it is mining can lose transactions.
                await client.CallAsync("evm_mine", "[]", cancellationToken).ConfigureAwait(false);
                phase.Kicks++;
                lastKick = Stopwatch.GetTimestamp();
            }

            while (lastRead < head)
            {
                var count = (int)Math.Min(head - lastRead, BlocksPerBatch);
                var requests = Enumerable.Range(1, count)
                    .Select(i => ("eth_getBlockByNumber", $"[\"{JsonRpcClient.Quantity(lastRead + (ulong)i)}\",false]"))
                    .ToList();
                var blocks = await client.BatchAsync(requests, cancellationToken).ConfigureAwait(false);
                var read = 0;
                foreach (var block in blocks)
                {
                    if (block.ValueKind != JsonValueKind.Object)
                    {
                        // Reported as the head but not served yet: read it again on the next poll.
                        break;
                    }

                    if (phase.MarkCommitted(block, seenAt) > 0)
                    {
                        lastProgress = seenAt;
                    }

                    read++;
                }

                lastRead += (ulong)read;
                phase.LastBlockRead = lastRead;
                if (read < count)
                {
                    break;
                }
            }

            var remaining = PollInterval - Stopwatch.GetElapsedTime(pollStart);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The node's txpool_status (geth and anvil serve it), which tells held transactions from lost ones.</summary>
    private static async Task<string> PoolStatusAsync(JsonRpcClient client)
    {
        try
        {
            var status = await client.CallAsync("txpool_status", "[]").ConfigureAwait(false);
            return $"txpool_status {status.GetRawText()}";
        }
        catch (JsonRpcException exception)
        {
            return $"no txpool_status ({exception.Error})";
        }
    }

    private static string StringOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : throw new FormatException($"expected a string, got {element.GetRawText()}");

    /// <summary>One signed transfer: its hash as the node reports it, its nonce, and its raw network form.</summary>
    private sealed record SignedTransfer(string Hash, ulong Nonce, string Raw);

    /// <summary>The transfers of one phase (warm-up or measured) and what happened to each.</summary>
    private sealed class Phase
    {
        public readonly long[] SubmitTicks;
        public readonly long[] CommitTicks;

        /// <summary>Why the node refused each transfer's submission, or null.</summary>
        public readonly string?[] SubmitErrorOf;
        private readonly Lock _errorLock = new();
        private int _blocks;
        private int _committed;
        private int _submitErrors;
        private int _accepted;
        private string? _firstSubmitError;
        private long _submitsDoneAt;

        public Phase(IReadOnlyList<List<SignedTransfer>> perSender)
        {
            PerSender = perSender;
            IndexOf = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var transfer in perSender.SelectMany(transfers => transfers))
            {
                IndexOf.Add(transfer.Hash, IndexOf.Count);
            }

            Transactions = IndexOf.Count;
            SubmitTicks = new long[Transactions];
            SubmitErrorOf = new string?[Transactions];
            CommitTicks = new long[Transactions];
        }

        public IReadOnlyList<List<SignedTransfer>> PerSender { get; }

        public Dictionary<string, int> IndexOf { get; }

        public int Transactions { get; }

        /// <summary>The newest block the observer has read (only it writes this).</summary>
        public ulong LastBlockRead { get; set; }

        public int Committed => Volatile.Read(ref _committed);

        public int SubmitErrors => Volatile.Read(ref _submitErrors);

        /// <summary>Submissions the node answered with the transfer's hash.</summary>
        public int AcceptedCount => Volatile.Read(ref _accepted);

        /// <summary>How often the observer woke the node's miner (only it writes this).</summary>
        public int Kicks { get; set; }

        public string? FirstSubmitError
        {
            get
            {
                lock (_errorLock)
                {
                    return _firstSubmitError;
                }
            }
        }

        /// <summary>When the last submission was answered; the observer's stall timeout runs from here.</summary>
        public long? SubmitsDoneAt
        {
            get => Interlocked.Read(ref _submitsDoneAt) is var ticks && ticks != 0 ? ticks : null;
            set => Interlocked.Exchange(ref _submitsDoneAt, value ?? 0);
        }

        public void Accepted() => Interlocked.Increment(ref _accepted);

        public void SubmitFailed(int index, string message)
        {
            SubmitErrorOf[index] = message;
            Interlocked.Increment(ref _submitErrors);
            lock (_errorLock)
            {
                _firstSubmitError ??= message;
            }
        }

        /// <summary>Marks this phase's transactions in <paramref name="block"/> committed at <paramref name="seenAt"/>.</summary>
        /// <returns>How many were newly marked.</returns>
        public int MarkCommitted(JsonElement block, long seenAt)
        {
            var marked = 0;
            if (block.TryGetProperty("transactions", out var transactions) && transactions.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in transactions.EnumerateArray())
                {
                    // Hashes, as asked for with `false`; a node that sends whole objects anyway still names each by hash.
                    var hash = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("hash", out var inner) ? inner.GetString() : entry.GetString();
                    if (hash is not null && IndexOf.TryGetValue(hash, out var index) && CommitTicks[index] == 0)
                    {
                        CommitTicks[index] = seenAt;
                        marked++;
                    }
                }
            }

            if (marked > 0)
            {
                _blocks++;
                Interlocked.Add(ref _committed, marked);
            }

            return marked;
        }

        public LoadResult ToResult(string node, int senders, string fees, int? kicks, string cpu, string? diagnosis)
        {
            var submitted = SubmitTicks.Where(ticks => ticks != 0).ToArray();
            var firstSubmit = submitted.Length > 0 ? submitted.Min() : 0;
            var lastSubmit = submitted.Length > 0 ? submitted.Max() : 0;
            var latenciesMs = Enumerable.Range(0, Transactions)
                .Where(i => CommitTicks[i] != 0 && SubmitTicks[i] != 0)
                .Select(i => Stopwatch.GetElapsedTime(SubmitTicks[i], CommitTicks[i]).TotalMilliseconds)
                .Order()
                .ToArray();
            var lastCommit = CommitTicks.Max();
            var seconds = lastCommit > firstSubmit && firstSubmit != 0 ? Stopwatch.GetElapsedTime(firstSubmit, lastCommit).TotalSeconds : double.NaN;
            return new LoadResult(
                node,
                Transactions,
                senders,
                Committed,
                SubmitErrors,
                FirstSubmitError,
                CommittedTps: Committed / seconds,
                P50Ms: Percentile(latenciesMs, 0.50),
                P99Ms: Percentile(latenciesMs, 0.99),
                SubmitSeconds: submitted.Length > 0 ? Stopwatch.GetElapsedTime(firstSubmit, lastSubmit).TotalSeconds : double.NaN,
                TotalSeconds: seconds,
                Blocks: _blocks,
                Fees: fees,
                Kicks: kicks,
                Cpu: cpu,
                Diagnosis: diagnosis);
        }

        /// <summary>Nearest rank: the smallest latency that at least <paramref name="fraction"/> of them do not exceed.</summary>
        private static double Percentile(double[] sorted, double fraction) =>
            sorted.Length == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
    }
}
