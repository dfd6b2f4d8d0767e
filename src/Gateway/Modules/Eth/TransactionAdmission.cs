using Hyperion.Core;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// Hands checked transactions to the sequencer in batches: while one batch is in flight, the transactions that arrive
/// wait and go together in the next (<see cref="ISequencerGrain.SubmitBatchAsync"/>), so that under load admission
/// costs one grain call and one account read per batch instead of per transaction. Nothing waits for a batch to
/// fill: a transaction that finds no batch in flight goes at once, alone, so a quiet node answers as fast as before.
/// Each caller gets its own transaction's result; a failed call fails every transaction of its batch with the same
/// error (the caller sees what it would have seen calling alone).
/// </summary>
internal sealed class TransactionAdmission(Func<ISequencerGrain> sequencer)
{
    /// <summary>The most transactions in one call: bounds the message size (128 KiB each at most) and the wait of the first.</summary>
    public const int MaxBatch = 256;

    private readonly Lock _gate = new();
    private List<Waiting> _queue = [];
    private bool _inFlight;

    public Task<SubmitResult> SubmitAsync(byte[] rawTransaction, Address sender)
    {
        var waiting = new Waiting(new SubmitRequest(rawTransaction, sender), new(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _queue.Add(waiting);
            start = !_inFlight;
            _inFlight = true;
        }

        if (start)
        {
            _ = PumpAsync();
        }

        return waiting.Result.Task;
    }

    /// <summary>Sends what is queued, batch after batch, until the queue is empty; one pump runs at a time.</summary>
    private async Task PumpAsync()
    {
        while (true)
        {
            List<Waiting> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _inFlight = false;
                    return;
                }

                if (_queue.Count <= MaxBatch)
                {
                    batch = _queue;
                    _queue = [];
                }
                else
                {
                    batch = _queue.GetRange(0, MaxBatch);
                    _queue.RemoveRange(0, MaxBatch);
                }
            }

            try
            {
                var requests = new SubmitRequest[batch.Count];
                for (var i = 0; i < requests.Length; i++)
                {
                    requests[i] = batch[i].Request;
                }

                var results = await sequencer().SubmitBatchAsync(requests).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(results[i]);
                }
            }
            catch (Exception exception)
            {
                // The pump runs detached: whatever ended the call belongs to its callers, who map it to an RPC error.
                foreach (var waiting in batch)
                {
                    waiting.Result.TrySetException(exception);
                }
            }
        }
    }

    private readonly record struct Waiting(SubmitRequest Request, TaskCompletionSource<SubmitResult> Result);
}
