using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Hyperion.Execution.Tests;

public sealed class BlockStmExecutorTests
{
    private const int Coinbase = 1_000_000;

    private static readonly DictionaryPreState EmptyPreState = new(new Dictionary<int, long>());

    [Fact]
    public void Disjoint_transactions_on_one_thread_are_executed_and_validated_once_each()
    {
        using var executor = Parallel(threads: 1);
        var block = new DelegateExecutor((index, view) =>
        {
            var writes = new WriteSet<int, long>();
            writes.Write((2 * index) + 1, view.Read(2 * index) + index);
            return new(writes, index);
        });

        var result = executor.ExecuteBlock(100, block, EmptyPreState);

        Assert.Equal(BlockExecutionMode.Parallel, result.Stats.Mode);
        Assert.Equal(100, result.Stats.Executions);
        Assert.Equal(0, result.Stats.ReExecutions);
        Assert.Equal(0, result.Stats.ValidationAborts);
        Assert.Equal(0, result.Stats.DependencySuspensions);
        Assert.True(result.Stats.Validations >= 100);

        // Where the time went: the worker started, then the scheduler finished, then the engine returned.
        Assert.NotNull(result.Stats.LastWorkerStarted);
        Assert.NotNull(result.Stats.SchedulerDone);
        Assert.InRange(result.Stats.LastWorkerStarted.Value, TimeSpan.Zero, result.Stats.SchedulerDone.Value);
        Assert.InRange(result.Stats.SchedulerDone.Value, TimeSpan.Zero, result.Stats.Elapsed);
        Assert.Equal(Enumerable.Range(0, 100).Select(index => (long)index), result.Outputs);
        Assert.Equal(-1L - 20 + 10, result.StateDelta[21]);
    }

    [Fact]
    public void Transactions_contending_for_one_key_are_re_executed_at_least_sometimes()
    {
        using var executor = Parallel(threads: 4);
        // Every transaction increments key 0: a chain, so with several threads some read stale values.
        var block = new DelegateExecutor((index, view) =>
        {
            var value = view.Read(0);
            Thread.SpinWait(2000);
            var writes = new WriteSet<int, long>();
            writes.Write(0, value + 1);
            return new(writes, value);
        });

        var conflicted = false;
        for (var attempt = 0; attempt < 20 && !conflicted; attempt++)
        {
            var result = executor.ExecuteBlock(64, block, EmptyPreState);
            Assert.Equal(-1 + 64, result.StateDelta[0]);
            Assert.Equal(Enumerable.Range(-1, 64).Select(value => (long)value), result.Outputs);
            conflicted = result.Stats.ReExecutions > 0 && result.Stats.ValidationAborts + result.Stats.DependencySuspensions > 0;
        }

        Assert.True(conflicted, "Sixty-four increments of one key on four threads never conflicted in twenty blocks.");
    }

    [Fact]
    public void Fees_paid_to_the_coinbase_as_deltas_do_not_make_transactions_conflict()
    {
        using var executor = Parallel(threads: 4);
        var preState = new DictionaryPreState(Enumerable.Range(0, 200).ToDictionary(account => account, account => 1_000L + account));
        // A transfer out of its own account, paying a fee that depends on what it read: the coinbase is only added to.
        var transfers = new DelegateExecutor((index, view) =>
        {
            var balance = view.Read(index);
            var fee = 1 + (balance % 7);
            var writes = new WriteSet<int, long>();
            writes.Write(index, balance - fee);
            writes.AddDelta(Coinbase, new AffineDelta(1, fee));
            return new(writes, fee);
        });

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var result = executor.ExecuteBlock(200, transfers, preState);
            var sequential = SequentialExecutor.Execute(200, transfers, preState);

            Assert.Equal(0, result.Stats.ReExecutions);
            Assert.Equal(0, result.Stats.ValidationAborts);
            Assert.Equal(0, result.Stats.DependencySuspensions);
            Assert.Equal(sequential.Outputs, result.Outputs);
            Assert.Equal(preState.Read(Coinbase) + sequential.Outputs.Sum(), result.StateDelta[Coinbase]);
            Assert.Equal(sequential.StateDelta.OrderBy(p => p.Key), result.StateDelta.OrderBy(p => p.Key));
        }
    }

    [Fact]
    public void A_transaction_that_reads_the_coinbase_sees_every_lower_fee_exactly()
    {
        using var executor = Parallel(threads: 4);
        var block = new DelegateExecutor((index, view) =>
        {
            var writes = new WriteSet<int, long>();
            if (index % 10 == 9)
            {
                // Reads the materialised balance (base plus all lower fees) and writes a copy of it.
                var coinbase = view.Read(Coinbase);
                writes.Write(-index, coinbase);
                return new(writes, coinbase);
            }

            writes.AddDelta(Coinbase, new AffineDelta(1, index));
            return new(writes, 0);
        });

        var result = executor.ExecuteBlock(100, block, EmptyPreState);

        var baseBalance = EmptyPreState.Read(Coinbase);
        for (var reader = 9; reader < 100; reader += 10)
        {
            var feesBelow = Enumerable.Range(0, reader).Where(index => index % 10 != 9).Sum();
            Assert.Equal(baseBalance + feesBelow, result.Outputs[reader]);
        }

        Assert.Equal(SequentialExecutor.Execute(100, block, EmptyPreState).StateDelta.OrderBy(p => p.Key), result.StateDelta.OrderBy(p => p.Key));
    }

    [Fact]
    public void A_block_below_the_threshold_runs_sequentially_on_a_worker_thread()
    {
        using var executor = new BlockStmExecutor(new BlockStmOptions { ThreadCount = 2, SequentialBelowTransactionCount = 16 });
        var threads = new ConcurrentBag<Thread>();
        var block = new DelegateExecutor((index, view) =>
        {
            threads.Add(Thread.CurrentThread);
            return new(new WriteSet<int, long>(), index);
        });

        var result = executor.ExecuteBlock(10, block, EmptyPreState);

        Assert.Equal(BlockExecutionMode.Sequential, result.Stats.Mode);
        Assert.Equal(10, result.Stats.Executions);
        Assert.All(threads, OnAWorkerThread);
    }

    [Fact]
    public async Task Transactions_run_on_the_executors_own_threads_never_the_callers()
    {
        using var executor = Parallel(threads: 3);
        var caller = Thread.CurrentThread;
        var threads = new ConcurrentBag<Thread>();
        var block = new DelegateExecutor((index, view) =>
        {
            threads.Add(Thread.CurrentThread);
            return new(new WriteSet<int, long>(), index);
        });

        await executor.ExecuteBlockAsync(50, block, EmptyPreState).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEmpty(threads);
        Assert.All(threads, OnAWorkerThread);
        Assert.DoesNotContain(caller, threads);
    }

    [Fact]
    public void A_dependency_chain_falls_back_to_sequential_execution()
    {
        using var executor = new BlockStmExecutor(new BlockStmOptions
        {
            ThreadCount = 4,
            SequentialBelowTransactionCount = 0,
            DependencyChainSampleSize = 16,
            DependencyChainReExecutionRatio = 0.5,
            // Every version's first three validations fail: most executions are re-executions, as in a chain.
            InjectValidationFailure = (_, incarnation) => incarnation < 3,
        });
        var block = new DelegateExecutor((index, view) =>
        {
            var writes = new WriteSet<int, long>();
            writes.Write(index + 1, view.Read(index) * 3);
            return new(writes, index);
        });

        var result = executor.ExecuteBlock(200, block, EmptyPreState);

        Assert.Equal(BlockExecutionMode.ParallelThenSequential, result.Stats.Mode);
        // The parallel attempt's executions count, and every transaction it had run is run again.
        Assert.True(result.Stats.Executions > 200);
        Assert.True(result.Stats.ReExecutions >= result.Stats.Executions - 200);
        var sequential = SequentialExecutor.Execute(200, block, EmptyPreState);
        Assert.Equal(sequential.Outputs, result.Outputs);
        Assert.Equal(sequential.StateDelta.OrderBy(p => p.Key), result.StateDelta.OrderBy(p => p.Key));
    }

    [Fact]
    public void The_lowest_transaction_that_fails_on_its_final_inputs_fails_the_block()
    {
        using var executor = Parallel(threads: 4);
        var block = new DelegateExecutor((index, view) =>
        {
            var value = view.Read(0);
            var writes = new WriteSet<int, long>();
            writes.Write(0, value + 1);
            // Fails only on the final value for it (index - 1 increments of -1), so speculative runs may well pass.
            return value == index - 1 && index is 37 or 45 ? throw new InvalidOperationException($"boom {index}") : new(writes, value);
        });

        var failure = Assert.Throws<TransactionExecutionException>(() => executor.ExecuteBlock(60, block, EmptyPreState));
        Assert.Equal(37, failure.TransactionIndex);
        Assert.Equal("boom 37", failure.InnerException?.Message);
        Assert.Equal(37, Assert.Throws<TransactionExecutionException>(() => SequentialExecutor.Execute(60, block, EmptyPreState)).TransactionIndex);
    }

    [Theory]
    [InlineData(new int[0], -1)]
    [InlineData(new[] { 2_900, 1_500 }, 1_500)]
    [InlineData(new[] { 749, 750, 2_999 }, 749)]
    public void A_large_block_gathers_every_output_in_order_or_fails_with_its_lowest_failure(int[] failing, int lowest)
    {
        // 3,000 transactions on 4 workers: the outputs are gathered in 4 stripes of 750, so failures sit at stripe edges
        // and in stripes above one another.
        using var executor = Parallel(threads: 4);
        var block = new DelegateExecutor((index, view) =>
        {
            var value = view.Read(index % 97);
            var writes = new WriteSet<int, long>();
            writes.Write(index % 97, value + index);
            return failing.Contains(index) ? throw new InvalidOperationException($"boom {index}") : new(writes, value * 10_000 + index);
        });

        if (lowest < 0)
        {
            var result = executor.ExecuteBlock(3_000, block, EmptyPreState);
            Assert.Equal(SequentialExecutor.Execute(3_000, block, EmptyPreState).Outputs, result.Outputs);
            return;
        }

        var failure = Assert.Throws<TransactionExecutionException>(() => executor.ExecuteBlock(3_000, block, EmptyPreState));
        Assert.Equal(lowest, failure.TransactionIndex);
        Assert.Equal($"boom {lowest}", failure.InnerException?.Message);
    }

    [Fact]
    public void Blocks_of_different_sizes_one_after_another_reuse_the_engines_arrays_and_each_gives_the_sequential_result()
    {
        // The engine keeps the scheduler's slots, the transactions' last inputs and outputs and their last writes from one
        // block to the next: whatever a block leaves in them (suspensions, re-executions, a failure) must not reach the
        // next one, shorter or longer. Every tenth transaction's first validation fails, so each block has aborts and
        // re-executions in those arrays.
        using var executor = Parallel(threads: 4, injectValidationFailure: (transaction, incarnation) => incarnation == 0 && transaction % 10 == 3);
        foreach (var (count, keys, failAt) in new[] { (3_000, 7, -1), (400, 3, -1), (2_000, 5, 1_234), (3_500, 11, -1), (64, 2, -1) })
        {
            var block = new DelegateExecutor((index, view) =>
            {
                var value = view.Read(index % keys);
                var writes = new WriteSet<int, long>();
                writes.Write(index % keys, value + index + count);
                return index == failAt ? throw new InvalidOperationException($"boom {index}") : new(writes, value);
            });

            if (failAt >= 0)
            {
                Assert.Equal(failAt, Assert.Throws<TransactionExecutionException>(() => executor.ExecuteBlock(count, block, EmptyPreState)).TransactionIndex);
                continue;
            }

            var sequential = SequentialExecutor.Execute(count, block, EmptyPreState);
            var result = executor.ExecuteBlock(count, block, EmptyPreState);
            Assert.Equal(sequential.Outputs, result.Outputs);
            Assert.Equal(sequential.StateDelta.OrderBy(p => p.Key), result.StateDelta.OrderBy(p => p.Key));
            Assert.True(result.Stats.ReExecutions >= count / 10, $"{count} transactions: {result.Stats}");
        }
    }

    [Fact]
    public async Task Cancelling_stops_the_block()
    {
        using var executor = Parallel(threads: 2);
        using var cancellation = new CancellationTokenSource();
        var block = new DelegateExecutor((index, view) =>
        {
            if (index == 20)
            {
                cancellation.Cancel();
            }

            return new(new WriteSet<int, long>(), index);
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.ExecuteBlockAsync(100_000, block, EmptyPreState, cancellation.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.ExecuteBlockAsync(10, block, EmptyPreState, cancellation.Token));

        // The executor is still usable afterwards.
        var result = await executor.ExecuteBlockAsync(20, block, EmptyPreState);
        Assert.Equal(20, result.Outputs.Count);
    }

    [Fact]
    public async Task Blocks_submitted_together_queue_and_all_complete()
    {
        using var executor = Parallel(threads: 2);
        var block = new DelegateExecutor((index, view) =>
        {
            var writes = new WriteSet<int, long>();
            writes.Write(0, view.Read(0) + index);
            return new(writes, index);
        });

        var results = await Task.WhenAll(Enumerable.Range(1, 6).Select(size => executor.ExecuteBlockAsync(size * 10, block, EmptyPreState)));

        for (var size = 1; size <= 6; size++)
        {
            Assert.Equal(-1 + Enumerable.Range(0, size * 10).Sum(), results[size - 1].StateDelta[0]);
        }
    }

    [Fact]
    public async Task An_empty_block_has_an_empty_result_and_a_disposed_executor_refuses_work()
    {
        var executor = Parallel(threads: 2);
        var block = new DelegateExecutor((index, view) => new(new WriteSet<int, long>(), index));
        var empty = await executor.ExecuteBlockAsync(0, block, EmptyPreState);
        Assert.Empty(empty.Outputs);
        Assert.Empty(empty.StateDelta);

        executor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => { _ = executor.ExecuteBlockAsync(5, block, EmptyPreState); });
    }

    [Fact]
    public void The_meter_publishes_the_counts()
    {
        var executions = 0L;
        var phases = new System.Collections.Concurrent.ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == ExecutionMetrics.MeterName)
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "hyperion.execution.executions")
            {
                Interlocked.Add(ref executions, value);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "hyperion.execution.block_phase_duration")
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "phase")
                    {
                        phases[(string)tag.Value!] = value;
                    }
                }
            }
        });
        listener.Start();

        using var executor = Parallel(threads: 2);
        var block = new DelegateExecutor((index, view) => new(new WriteSet<int, long>(), index));
        executor.ExecuteBlock(40, block, EmptyPreState);

        Assert.True(Interlocked.Read(ref executions) >= 40);

        // A parallel block's phases: set-up and wake-up, the scheduled work, the final values, none negative.
        Assert.Equal(["final", "schedule", "start"], phases.Keys.Order());
        Assert.All(phases.Values, milliseconds => Assert.True(milliseconds >= 0));
    }

    [Fact]
    public void An_executor_that_takes_the_final_values_gets_every_part_by_its_partition_and_the_state_delta_stays_whole()
    {
        using var executor = Parallel(threads: 3);

        // Each transaction writes keys 10i..10i+4 and adds 1 to key 7 (a read-modify-write chain from the pre-state's -8): keys are partitioned by
        // their tens, so every part holds whole groups of five.
        var block = new PartitionTakingExecutor((index, view) =>
        {
            var writes = new WriteSet<int, long>();
            for (var key = 10 * index; key < (10 * index) + 5; key++)
            {
                writes.Write(key, key + 1);
            }

            writes.Write(7, view.Read(7) + 1);
            return new(writes, index);
        });

        var result = executor.ExecuteBlock(200, block, EmptyPreState);

        Assert.Equal(BlockExecutionMode.Parallel, result.Stats.Mode);
        var taken = block.Taken.ToArray();
        Assert.Equal(3, taken.Length);
        Assert.Equal([0, 1, 2], taken.Select(part => part.Part).Order());
        foreach (var (part, values) in taken)
        {
            Assert.All(values, pair => Assert.Equal(part, (pair.Key / 10) % 3));
        }

        // The engine did not collect the parts the executor took; the state delta collects them when asked, the same.
        var all = taken.SelectMany(part => part.Values).OrderBy(pair => pair.Key).ToArray();
        Assert.Equal((200 * 5) + 1, all.Length);
        Assert.Equal(all, result.StateDelta.OrderBy(pair => pair.Key));
        Assert.Equal(-8 + 200, result.StateDelta[7]);
        Assert.Equal(1235, result.StateDelta[1234]);
        Assert.False(result.StateDelta.ContainsKey(1235));
    }

    [Fact]
    public void Workers_pin_themselves_one_to_a_processor_when_they_fit_and_not_when_asked_not_to()
    {
        var processors = WorkerAffinity.AllowedProcessors();
        if (processors is not { } available || available < 2)
        {
            // Not Linux, or one processor: pinning is not attempted, which the test below checks by its absence.
            Assert.False(WorkerAffinity.TryPinCurrentThread(0, 2));
            return;
        }

        // A lone worker is never pinned (every executor's would land on the first processor).
        Assert.False(WorkerAffinity.TryPinCurrentThread(0, 1));
        Assert.Equal(available, WorkerAffinity.AllowedProcessors());

        foreach (var pin in new[] { true, false })
        {
            using var executor = new BlockStmExecutor(new BlockStmOptions { ThreadCount = 2, SequentialBelowTransactionCount = 0, PinWorkerThreads = pin });
            var seen = new ConcurrentBag<(int Thread, int? Processors)>();
            var block = new DelegateExecutor((index, view) =>
            {
                seen.Add((Environment.CurrentManagedThreadId, WorkerAffinity.AllowedProcessors()));
                Thread.SpinWait(20_000);
                return new(new WriteSet<int, long>(), index);
            });
            executor.ExecuteBlock(64, block, EmptyPreState);

            Assert.All(seen, worker => Assert.Equal(pin ? 1 : available, worker.Processors));
        }
    }

    private static BlockStmExecutor Parallel(int threads, Func<int, int, bool>? injectValidationFailure = null) =>
        new(new BlockStmOptions
        {
            ThreadCount = threads,
            SequentialBelowTransactionCount = 0,
            FallBackOnDependencyChains = false,
            InjectValidationFailure = injectValidationFailure,
        });

    private static void OnAWorkerThread(Thread thread)
    {
        Assert.False(thread.IsThreadPoolThread);
        Assert.StartsWith("Hyperion Block-STM worker", thread.Name, StringComparison.Ordinal);
    }
}

/// <summary>An executor that takes its parts of the final values itself, partitioning keys by their tens.</summary>
internal sealed class PartitionTakingExecutor(Func<int, IStateView<int, long>, TransactionResult<int, long, long>> execute)
    : ITransactionExecutor<int, long, long>
{
    public ConcurrentBag<(int Part, List<KeyValuePair<int, long>> Values)> Taken { get; } = [];

    public TransactionResult<int, long, long> Execute(int transactionIndex, IStateView<int, long> view) => execute(transactionIndex, view);

    public int PartitionHash(int key) => key / 10;

    public bool CompleteFinalPart(FinalValuesPart<int, long> finalValues)
    {
        var collector = new Collector([]);
        finalValues.ForEach(ref collector);
        Taken.Add((finalValues.Part, collector.Values));
        return true;
    }

    private readonly struct Collector(List<KeyValuePair<int, long>> values) : IFinalValueVisitor<int, long>
    {
        public List<KeyValuePair<int, long>> Values => values;

        public void Visit(in int key, in long value, bool preStateKnown, in long preState) => values.Add(new(key, value));
    }
}
