using CsCheck;

namespace Hyperion.Execution.Tests;

/// <summary>
/// The scheduler alone, driven by fake workers whose executions suspend on random lower transactions, write new
/// locations at random and whose validations fail at random: it must always finish (no deadlock, no task lost)
/// and leave every transaction executed and validated after anything below it last changed.
/// </summary>
public sealed class SchedulerTests
{
    /// <summary>
    /// Virtual workers interleaved step by step by a seeded random choice, on one thread: every interleaving the
    /// seed picks is reproducible, and the checks can look at a global clock.
    /// </summary>
    [Fact]
    public void Every_interleaving_finishes_with_each_transaction_validated_after_its_last_invalidation()
    {
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 8], Gen.Int).Sample(
            (transactions, workers, seed) => Simulate(transactions, workers, seed),
            iter: 2000,
            threads: 1);
    }

    [Fact]
    public void Real_threads_finish_with_every_transaction_executed()
    {
        for (var round = 0; round < 20; round++)
        {
            // Even rounds give each thread its own worker number (its own active-task count), odd rounds one for all.
            const int Transactions = 200;
            const int Threads = 4;
            var ownNumbers = round % 2 == 0;
            var scheduler = new Scheduler(Transactions, ownNumbers ? Threads : 1);
            var threads = Enumerable.Range(0, Threads)
                .Select(thread => new Thread(() => RunFakeWorker(scheduler, ownNumbers ? thread : 0, thread + (round * 10))))
                .ToList();
            threads.ForEach(thread => thread.Start());
            foreach (var thread in threads)
            {
                Assert.True(thread.Join(TimeSpan.FromSeconds(20)), "A worker never saw the scheduler done: deadlock or a lost task.");
            }

            Assert.True(scheduler.IsDone);
            Assert.Equal(0, scheduler.ActiveTasks);
            for (var index = 0; index < Transactions; index++)
            {
                Assert.Equal(TransactionState.Executed, scheduler.Status(index).State);
            }
        }
    }

    [Fact]
    public void A_validation_due_on_a_version_still_executing_is_passed_over_for_the_next_task()
    {
        var scheduler = new Scheduler(3, workerCount: 2);
        Assert.Equal(SchedulerTask.Execute(0, 0), scheduler.NextTask(0));

        // Transaction 0 is due for validation but still executing: worker 1 gets the next execution at once, not an
        // empty hand, and 0 validates itself when it finishes (the validation index is past it).
        Assert.Equal(SchedulerTask.Execute(1, 0), scheduler.NextTask(1));
        Assert.Equal(SchedulerTask.Validate(0, 0), scheduler.FinishExecution(0, 0, wroteNewLocation: false, worker: 0));
        Assert.Equal(SchedulerTask.None, scheduler.FinishValidation(0, aborted: false, worker: 0));

        // The same with transaction 1 on worker 1.
        Assert.Equal(SchedulerTask.Execute(2, 0), scheduler.NextTask(0));
        Assert.Equal(SchedulerTask.Validate(1, 0), scheduler.FinishExecution(1, 0, wroteNewLocation: false, worker: 1));
    }

    [Fact]
    public void A_worker_number_outside_the_schedulers_workers_is_refused()
    {
        var scheduler = new Scheduler(4, workerCount: 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.NextTask(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.NextTask(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Scheduler(4, workerCount: 0));
        Assert.Equal(0, scheduler.ActiveTasks);
    }

    [Fact]
    public void An_empty_block_is_done_at_once()
    {
        var scheduler = new Scheduler(0);
        Assert.True(scheduler.IsDone);
        Assert.Equal(SchedulerTaskKind.None, scheduler.NextTask().Kind);
    }

    [Fact]
    public void A_suspended_transaction_resumes_with_its_next_incarnation_when_the_blocking_one_finishes()
    {
        var scheduler = new Scheduler(2);
        Assert.Equal(SchedulerTask.Execute(0, 0), NextTask(scheduler));
        Assert.Equal(SchedulerTask.Execute(1, 0), NextTask(scheduler));

        Assert.True(scheduler.AddDependency(1, 0));
        Assert.Equal((TransactionState.Aborting, 0), scheduler.Status(1));
        Assert.Equal(SchedulerTaskKind.None, scheduler.NextTask().Kind);

        scheduler.FinishExecution(0, 0, wroteNewLocation: true);
        Assert.Equal((TransactionState.ReadyToExecute, 1), scheduler.Status(1));
        // Validation of 0 comes first (it is below the execution index), then the resumed execution.
        Assert.Equal(SchedulerTask.Validate(0, 0), NextTask(scheduler));
        Assert.Equal(SchedulerTask.Execute(1, 1), NextTask(scheduler));

        // Once the blocking transaction is executed, a dependency on it is refused: run again at once.
        Assert.False(scheduler.AddDependency(1, 0));
    }

    [Fact]
    public void Only_one_failed_validation_of_a_version_aborts_it()
    {
        var scheduler = new Scheduler(1);
        Assert.Equal(SchedulerTask.Execute(0, 0), scheduler.NextTask());
        Assert.Equal(SchedulerTaskKind.None, scheduler.FinishExecution(0, 0, wroteNewLocation: true).Kind);
        Assert.Equal(SchedulerTask.Validate(0, 0), NextTask(scheduler));
        Assert.True(scheduler.TryValidationAbort(0, 0));
        Assert.False(scheduler.TryValidationAbort(0, 0));
        // The execution index is past it, so the validating worker re-executes it directly.
        Assert.Equal(SchedulerTask.Execute(0, 1), scheduler.FinishValidation(0, aborted: true));
    }

    /// <summary>The next task, skipping the empty answers a worker gets when the validation it tried first was not due.</summary>
    private static SchedulerTask NextTask(Scheduler scheduler)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (scheduler.NextTask() is { Kind: not SchedulerTaskKind.None } task)
            {
                return task;
            }
        }

        return SchedulerTask.None;
    }

    private static void Simulate(int transactionCount, int workerCount, int seed)
    {
        var random = new Random(seed);
        var scheduler = new Scheduler(transactionCount, workerCount);
        var tasks = new SchedulerTask[workerCount];
        var taskObtainedAt = new long[workerCount];
        var lastInvalidationBelow = new long[transactionCount];
        var lastExecutionFinished = new long[transactionCount];
        var validatedAt = new Dictionary<(int Transaction, int Incarnation), long>();
        long clock = 0;

        void InvalidateAbove(int transaction)
        {
            for (var index = transaction + 1; index < transactionCount; index++)
            {
                lastInvalidationBelow[index] = clock;
            }
        }

        var steps = 0;
        while (!scheduler.IsDone)
        {
            Assert.True(++steps < 200_000, $"No progress after {steps} steps: deadlock or a lost task.");
            clock++;
            var worker = random.Next(workerCount);
            var task = tasks[worker];
            switch (task.Kind)
            {
                case SchedulerTaskKind.Execution:
                    {
                        var (index, incarnation) = task.Version;
                        // Early incarnations sometimes read an ESTIMATE of a lower transaction.
                        if (index > 0 && incarnation < 3 && random.Next(4) == 0 && scheduler.AddDependency(index, random.Next(index), worker))
                        {
                            tasks[worker] = SchedulerTask.None;
                            break;
                        }

                        // A first execution writes its locations for the first time; later ones sometimes write new ones.
                        var wroteNewLocation = incarnation == 0 || random.Next(3) == 0;
                        lastExecutionFinished[index] = clock;
                        if (wroteNewLocation)
                        {
                            InvalidateAbove(index);
                        }

                        tasks[worker] = scheduler.FinishExecution(index, incarnation, wroteNewLocation, worker);
                        taskObtainedAt[worker] = ++clock;
                        break;
                    }

                case SchedulerTaskKind.Validation:
                    {
                        var (index, incarnation) = task.Version;
                        var readChanged = incarnation < 2 && random.Next(4) == 0;
                        var aborted = readChanged && scheduler.TryValidationAbort(index, incarnation);
                        if (!readChanged)
                        {
                            // Validations of one version may finish out of order: the latest handed out is the one that counts.
                            validatedAt[(index, incarnation)] = Math.Max(validatedAt.GetValueOrDefault((index, incarnation)), taskObtainedAt[worker]);
                        }

                        if (aborted)
                        {
                            InvalidateAbove(index);
                        }

                        tasks[worker] = scheduler.FinishValidation(index, aborted, worker);
                        taskObtainedAt[worker] = ++clock;
                        break;
                    }

                default:
                    tasks[worker] = scheduler.NextTask(worker);
                    taskObtainedAt[worker] = clock;
                    break;
            }
        }

        Assert.All(tasks, task => Assert.Equal(SchedulerTaskKind.None, task.Kind));
        Assert.Equal(0, scheduler.ActiveTasks);
        for (var index = 0; index < transactionCount; index++)
        {
            var (state, incarnation) = scheduler.Status(index);
            Assert.Equal(TransactionState.Executed, state);
            // The last incarnation passed a validation handed out after it ran and after anything below last changed.
            Assert.True(validatedAt.TryGetValue((index, incarnation), out var obtainedAt), $"Transaction {index} incarnation {incarnation} was never validated.");
            Assert.True(
                obtainedAt > lastExecutionFinished[index] && obtainedAt > lastInvalidationBelow[index],
                $"Transaction {index} was last validated at {obtainedAt}, before its execution ({lastExecutionFinished[index]}) or a change below it ({lastInvalidationBelow[index]}).");
        }
    }

    private static void RunFakeWorker(Scheduler scheduler, int worker, int seed)
    {
        var random = new Random(seed);
        var task = SchedulerTask.None;
        while (!scheduler.IsDone)
        {
            if (random.Next(16) == 0)
            {
                Thread.Yield();
            }

            switch (task.Kind)
            {
                case SchedulerTaskKind.Execution:
                    {
                        var (index, incarnation) = task.Version;
                        Thread.SpinWait(random.Next(200));
                        if (index > 0 && incarnation < 3 && random.Next(5) == 0 && scheduler.AddDependency(index, random.Next(index), worker))
                        {
                            task = SchedulerTask.None;
                            break;
                        }

                        task = scheduler.FinishExecution(index, incarnation, incarnation == 0 || random.Next(3) == 0, worker);
                        break;
                    }

                case SchedulerTaskKind.Validation:
                    {
                        var (index, incarnation) = task.Version;
                        var aborted = incarnation < 2 && random.Next(5) == 0 && scheduler.TryValidationAbort(index, incarnation);
                        task = scheduler.FinishValidation(index, aborted, worker);
                        break;
                    }

                default:
                    task = scheduler.NextTask(worker);
                    break;
            }
        }
    }
}
