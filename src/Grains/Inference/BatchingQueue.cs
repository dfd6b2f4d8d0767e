using System.Diagnostics;
using System.Threading.Channels;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Tensors;

namespace Hyperion.Grains.Inference;

/// <summary>
/// A bounded queue in front of one <see cref="ShardSession"/> with dynamic batching: a batch closes when it holds
/// <see cref="InferenceOptions.MaxBatchSize"/> requests or when its oldest request has waited
/// <see cref="InferenceOptions.MaxQueueDelay"/>; whatever queued while earlier batches ran joins the next one. A full
/// queue refuses at once (back-pressure). Batches run on thread-pool threads, never on a grain scheduler thread.
/// </summary>
internal sealed class BatchingQueue : IAsyncDisposable
{
    private readonly ShardSession _session;
    private readonly InferenceOptions _options;
    private readonly Action<int, double>? _onBatch;
    private readonly Channel<Pending> _channel;
    private readonly Task[] _workers;
    private long _requests;
    private long _batches;
    private int _largestBatch;

    public BatchingQueue(ShardSession session, InferenceOptions options, Action<int, double>? onBatch = null)
    {
        _session = session;
        _options = options;
        _onBatch = onBatch;
        _channel = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.MaxQueueLength)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = options.ConcurrentBatches == 1,
        });
        var workers = session.SupportsBatching ? options.ConcurrentBatches : Math.Max(1, options.ConcurrentBatches);
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(RunAsync))];
    }

    public ShardSession Session => _session;

    public long Requests => Interlocked.Read(ref _requests);

    public long Batches => Interlocked.Read(ref _batches);

    public int LargestBatch => Volatile.Read(ref _largestBatch);

    public int Length => _channel.Reader.CanCount ? _channel.Reader.Count : 0;

    /// <summary>Queues a request; false when the queue is full.</summary>
    public bool TryEnqueue(TensorSet inputs, out Task<BatchOutcome> outcome)
    {
        var pending = new Pending(inputs, Stopwatch.GetTimestamp());
        outcome = pending.Completion.Task;
        return _channel.Writer.TryWrite(pending);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<Pending>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (!reader.TryRead(out var first))
            {
                continue;
            }

            batch.Clear();
            batch.Add(first);
            var maxBatch = _session.SupportsBatching ? _options.MaxBatchSize : 1;
            var deadline = first.Enqueued + (long)(_options.MaxQueueDelay.TotalSeconds * Stopwatch.Frequency);
            while (batch.Count < maxBatch)
            {
                if (reader.TryRead(out var next))
                {
                    batch.Add(next);
                    continue;
                }

                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (remaining <= TimeSpan.Zero || !await WaitForMoreAsync(reader, remaining).ConfigureAwait(false))
                {
                    break;
                }
            }

            Run(batch);
        }
    }

    private static async Task<bool> WaitForMoreAsync(ChannelReader<Pending> reader, TimeSpan remaining)
    {
        using var timeout = new CancellationTokenSource(remaining);
        try
        {
            return await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Run(List<Pending> batch)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Requests whose other dimensions differ cannot share a batch: each such group runs on its own.
            var results = new TensorSet[batch.Count];
            foreach (var group in batch.Select((pending, index) => (pending, index)).GroupBy(item => BatchShape(item.pending.Inputs)))
            {
                var members = group.ToArray();
                var outputs = _session.RunBatch([.. members.Select(member => member.pending.Inputs)]);
                for (var index = 0; index < members.Length; index++)
                {
                    results[members[index].index] = outputs[index];
                }
            }

            var computeMicroseconds = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            Record(batch.Count, computeMicroseconds);
            for (var index = 0; index < batch.Count; index++)
            {
                var queued = Stopwatch.GetElapsedTime(batch[index].Enqueued, started).TotalMicroseconds;
                batch[index].Completion.TrySetResult(new BatchOutcome(results[index], queued, computeMicroseconds, batch.Count));
            }
        }
#pragma warning disable CA1031 // A failed batch fails its requests; the worker keeps serving.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(exception);
            }
        }
    }

    private void Record(int size, double computeMicroseconds)
    {
        Interlocked.Add(ref _requests, size);
        Interlocked.Increment(ref _batches);
        int largest;
        while (size > (largest = Volatile.Read(ref _largestBatch)) && Interlocked.CompareExchange(ref _largestBatch, size, largest) != largest)
        {
        }

        _onBatch?.Invoke(size, computeMicroseconds);
    }

    /// <summary>Everything but dimension 0 of every input: requests with the same key can be stacked.</summary>
    private static string BatchShape(TensorSet inputs) =>
        string.Join(';', inputs.Select(tensor => $"{tensor.Name}:{tensor.DataType}:{string.Join(',', tensor.Dimensions.Skip(1))}"));

    private sealed class Pending(TensorSet inputs, long enqueued)
    {
        public TensorSet Inputs { get; } = inputs;

        public long Enqueued { get; } = enqueued;

        public TaskCompletionSource<BatchOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>One request's outputs with its queue time, its batch's compute time and the batch size.</summary>
internal sealed record BatchOutcome(TensorSet Outputs, double QueueMicroseconds, double ComputeMicroseconds, int BatchSize);
