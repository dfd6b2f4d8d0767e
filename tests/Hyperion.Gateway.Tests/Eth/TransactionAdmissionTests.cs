using System.Threading.Channels;
using Hyperion.Core;
using Hyperion.Gateway.Modules.Eth;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class TransactionAdmissionTests
{
    private static readonly Address Sender = Address.Parse("0x00000000000000000000000000000000000000aa");

    [Fact]
    public async Task A_lone_transaction_goes_at_once_and_those_arriving_meanwhile_share_the_next_call()
    {
        var sequencer = new HeldSequencer();
        var admission = new TransactionAdmission(() => sequencer);

        var first = admission.SubmitAsync([1], Sender);
        var firstCall = await sequencer.NextCall();
        Assert.Equal([1], firstCall.Requests.Select(request => request.RawTransaction[0]));

        // While the first call is held, three more arrive: they wait, then go together, in arrival order.
        var waiting = new[] { admission.SubmitAsync([2], Sender), admission.SubmitAsync([3], Sender), admission.SubmitAsync([4], Sender) };
        Assert.False(sequencer.HasCall);
        firstCall.Answer();
        Assert.Equal((byte)1, (await first).Hash.Bytes[31]);

        var secondCall = await sequencer.NextCall();
        Assert.Equal([2, 3, 4], secondCall.Requests.Select(request => request.RawTransaction[0]));
        secondCall.Answer();
        var results = await Task.WhenAll(waiting);

        // Each caller gets the result at its own position.
        Assert.Equal([2, 3, 4], results.Select(result => result.Hash.Bytes[31]));
        Assert.Equal("refused 3", results[1].Error);
        Assert.Null(results[0].Error);
    }

    [Fact]
    public async Task A_failed_call_fails_every_transaction_of_its_batch_and_the_next_ones_still_go()
    {
        var sequencer = new HeldSequencer();
        var admission = new TransactionAdmission(() => sequencer);
        var first = admission.SubmitAsync([1], Sender);
        var held = await sequencer.NextCall();
        var second = admission.SubmitAsync([2], Sender);
        var third = admission.SubmitAsync([3], Sender);
        held.Answer();
        await first;

        var failing = await sequencer.NextCall();
        failing.Fail(new TimeoutException("the sequencer's silo is gone"));
        Assert.Equal("the sequencer's silo is gone", (await Assert.ThrowsAsync<TimeoutException>(() => second)).Message);
        await Assert.ThrowsAsync<TimeoutException>(() => third);

        var later = admission.SubmitAsync([5], Sender);
        (await sequencer.NextCall()).Answer();
        Assert.Equal((byte)5, (await later).Hash.Bytes[31]);
    }

    [Fact]
    public async Task A_batch_never_exceeds_the_limit()
    {
        var sequencer = new HeldSequencer();
        var admission = new TransactionAdmission(() => sequencer);
        var first = admission.SubmitAsync([0], Sender);
        var held = await sequencer.NextCall();
        var queued = Enumerable.Range(0, TransactionAdmission.MaxBatch + 10).Select(_ => admission.SubmitAsync([7], Sender)).ToArray();
        held.Answer();
        await first;

        var full = await sequencer.NextCall();
        Assert.Equal(TransactionAdmission.MaxBatch, full.Requests.Length);
        full.Answer();
        var rest = await sequencer.NextCall();
        Assert.Equal(10, rest.Requests.Length);
        rest.Answer();
        Assert.Equal(TransactionAdmission.MaxBatch + 10, (await Task.WhenAll(queued)).Length);
    }

    /// <summary>A sequencer whose batch calls wait until the test answers them; results echo each request's first byte.</summary>
    private sealed class HeldSequencer : ISequencerGrain
    {
        private readonly Channel<HeldCall> _calls = Channel.CreateUnbounded<HeldCall>();

        public bool HasCall => _calls.Reader.Count > 0;

        public async Task<HeldCall> NextCall()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await _calls.Reader.ReadAsync(timeout.Token);
        }

        public Task<SubmitResult[]> SubmitBatchAsync(SubmitRequest[] requests)
        {
            var call = new HeldCall(requests);
            Assert.True(_calls.Writer.TryWrite(call));
            return call.Result.Task;
        }

        public Task<SubmitResult> SubmitAsync(byte[] rawTransaction, Address sender) => throw new NotSupportedException("the gateway submits in batches");

        public Task<ulong?> GetPendingNonceAsync(Address sender) => throw new NotSupportedException();

        public Task<PendingTransaction?> GetPendingTransactionAsync(Hash256 hash) => throw new NotSupportedException();

        public Task<SequencerStatus> GetStatusAsync() => throw new NotSupportedException();

        public Task EnsureStartedAsync() => throw new NotSupportedException();

        public Task<ulong> SealBlockAsync() => throw new NotSupportedException();
    }

    private sealed class HeldCall(SubmitRequest[] requests)
    {
        public SubmitRequest[] Requests { get; } = requests;

        public TaskCompletionSource<SubmitResult[]> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Answer() => Result.SetResult([.. Requests.Select(static request =>
        {
            var hash = new byte[32];
            hash[31] = request.RawTransaction[0];
            return new SubmitResult(new Hash256(hash), request.RawTransaction[0] == 3 ? "refused 3" : null);
        })]);

        public void Fail(Exception exception) => Result.SetException(exception);
    }
}
