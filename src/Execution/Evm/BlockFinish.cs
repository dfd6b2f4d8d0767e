using System.Diagnostics;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The end of a block that Block-STM ran, on the engine's workers (idle by then) instead of the calling thread: the
/// receipts in stripes, and the workers' parts of the final values turned into the block's changes part by part
/// (<see cref="BlockStateOverlay.FinalPartsConversion"/>). On many cores these passes over the block were a serial tail
/// after the parallel run; the receipts had also waited for a thread-pool thread to wake. The workers run it as the
/// block's last step (<see cref="IBlockEnd{TOutput}"/>, <see cref="RunSteps"/>); after a fall back to sequential
/// execution the caller submits it as a job of its own (<see cref="Run"/>).
/// </summary>
/// <remarks>
/// Two steps of items that whichever workers are awake take (one that wakes late holds up only what it takes):
/// <code>
///   sums        stripe s's gas and blob gas          |  can part p be taken as it is? (then its accounts sorted by home)
///   ── step done ──
///   build       part p of the changes (if all can)   |  stripe s's receipts, cumulative gas from the stripes before
/// </code>
/// A stripe that breaks a block rule (the gas pool, the blob gas, a rejected transaction) leaves the block to the
/// serial receipt walk on the calling thread, which names the first failure as every executor does; a part that
/// cannot be taken as it is leaves the changes to the overlay's merge.
/// </remarks>
internal sealed class BlockFinish : IWorkerJob, IBlockEndSteps
{
    private readonly EvmBlock _block;
    private readonly EvmSpec _spec;
    private readonly TransactionOutcome[] _outcomes;
    private readonly BlockStateOverlay.FinalPartsConversion? _conversion;
    private readonly int _stripes;
    private readonly ulong[] _stripeGas;
    private readonly ulong[] _stripeBlobGas;
    private readonly TransactionReceipt[] _receipts;
    private readonly WorkerJobCompletion _completion;

    // Each step's items: the next to take, and those done.
    private int _sumsNext;
    private int _sumsDone;
    private int _buildNext;
    private int _buildDone;

    private volatile bool _receiptRuleBroken;
    private volatile bool _partNotTaken;

    /// <param name="block">The block.</param>
    /// <param name="spec">Its rules (the blob gas limit).</param>
    /// <param name="outcomes">The transactions' outcomes, in order.</param>
    /// <param name="conversion">The final parts to turn into changes, or null when the changes come another way.</param>
    /// <param name="poolSize">The engine's threads.</param>
    public BlockFinish(EvmBlock block, EvmSpec spec, TransactionOutcome[] outcomes, BlockStateOverlay.FinalPartsConversion? conversion, int poolSize)
    {
        _block = block;
        _spec = spec;
        _outcomes = outcomes;
        _conversion = conversion;
        _stripes = Math.Max(1, Math.Min(poolSize, outcomes.Length / 64));
        _stripeGas = new ulong[_stripes];
        _stripeBlobGas = new ulong[_stripes];
        _receipts = new TransactionReceipt[outcomes.Length];
        _completion = new WorkerJobCompletion(poolSize);

        // A short job (a millisecond or less): its waiter spins from the start rather than sleep through a wake-up.
        _completion.NearlyDone();
    }

    public Task Completion => _completion.Task;

    /// <summary>Waits on the calling thread until the job is complete (see <see cref="EarlyWake"/>); throws its failure.</summary>
    public void Wait() => _completion.Wait();

    private int Parts => _conversion?.Parts ?? 0;

    private static readonly Func<BlockFinish, bool> Failed = static finish => finish._completion.HasFailed;

    /// <summary>When the finish was made (a Stopwatch timestamp): where its time starts.</summary>
    public long CreatedAt { get; } = Stopwatch.GetTimestamp();

    public Exception? Failure => _completion.Failure;

    /// <summary>As a job of its own: every worker of the pool runs the steps, and the last one completes it.</summary>
    public void Run(int workerIndex)
    {
        RunSteps();
        _completion.WorkerDone();
    }

    /// <summary>
    /// The steps, on one worker: as a job of its own (<see cref="Run"/>), or as the end of the Block-STM block that made
    /// it (<see cref="IBlockEnd{TOutput}"/>), whose workers run it before they leave the block.
    /// </summary>
    public void RunSteps()
    {
        try
        {
            if (WorkerSteps.Run(this, ref _sumsNext, ref _sumsDone, _stripes + Parts, static (finish, item) => finish.Sum(item), Failed))
            {
                WorkerSteps.Run(this, ref _buildNext, ref _buildDone, _stripes + Parts, static (finish, item) => finish.Build(item), Failed);
            }
        }
        catch (Exception failure)
        {
            _completion.Fail(failure);
        }
    }

    public void Abandon(Exception reason) => _completion.Abandon(reason);

    /// <summary>
    /// Once <see cref="Completion"/> is done: the receipts and the gas (or the <see cref="InvalidBlockException"/> of the
    /// first rule the block breaks), and the changes, or null for them when the parts have to be merged instead.
    /// </summary>
    public (IReadOnlyList<TransactionReceipt> Receipts, ulong GasUsed, ulong BlobGasUsed, StateChanges? Changes) Result()
    {
        if (_receiptRuleBroken)
        {
            BlockReceiptBuilder.ThrowFirstBrokenRule(_block, _spec, _outcomes);
        }

        var (gasUsed, blobGasUsed) = GasBefore(_stripes);
        var changes = _conversion is null || _partNotTaken ? null : _conversion.Finish();
        return (_receipts, gasUsed, blobGasUsed, changes);
    }

    private (int Start, int End) Stripe(int stripe) => (
        (int)((long)_outcomes.Length * stripe / _stripes),
        (int)((long)_outcomes.Length * (stripe + 1) / _stripes));

    private void Sum(int item)
    {
        if (item >= _stripes)
        {
            if (!_conversion!.CanTake(item - _stripes))
            {
                _partNotTaken = true;
            }

            return;
        }

        var (start, end) = Stripe(item);
        ulong gas = 0, blobGas = 0;
        for (var index = start; index < end; index++)
        {
            gas = BlockReceiptBuilder.SaturatingAdd(gas, _outcomes[index].GasUsed);
            blobGas = BlockReceiptBuilder.SaturatingAdd(blobGas, _outcomes[index].BlobGasUsed);
        }

        _stripeGas[item] = gas;
        _stripeBlobGas[item] = blobGas;
    }

    private void Build(int item)
    {
        // The parts first (the longer items), then the receipts' stripes.
        if (item < Parts)
        {
            if (!_partNotTaken)
            {
                _conversion!.Convert(item);
            }

            return;
        }

        var stripe = item - Parts;
        var (start, end) = Stripe(stripe);
        var (gasBefore, blobGasBefore) = GasBefore(stripe);
        if (!BlockReceiptBuilder.TryBuildRange(_block, BlockReceiptBuilder.MaxBlobGas(_spec), _outcomes, start, gasBefore, blobGasBefore, _receipts.AsSpan(start, end - start)))
        {
            _receiptRuleBroken = true;
        }
    }

    private (ulong Gas, ulong BlobGas) GasBefore(int stripe)
    {
        ulong gas = 0, blobGas = 0;
        for (var before = 0; before < stripe; before++)
        {
            gas = BlockReceiptBuilder.SaturatingAdd(gas, _stripeGas[before]);
            blobGas = BlockReceiptBuilder.SaturatingAdd(blobGas, _stripeBlobGas[before]);
        }

        return (gas, blobGas);
    }
}
