namespace Hyperion.Execution.Tests;

/// <summary>
/// The executor's own threads: every job runs once on every worker, one job after another, whether the workers are
/// still looking for work or asleep when it comes (each sleeper has a gate of its own, so a lost wake-up would leave a
/// job waiting for good), and disposal abandons what was queued.
/// </summary>
public sealed class DedicatedWorkerPoolTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(16)]
    public async Task Every_job_runs_once_on_every_worker_in_submission_order(int threads)
    {
        using var pool = new DedicatedWorkerPool(threads, "test worker");
        var log = new JobLog();
        for (var round = 0; round < 60; round++)
        {
            // Every third round starts with all workers blocked, the others while they still look for work; some rounds
            // queue several jobs behind the running one.
            if (round % 3 == 0)
            {
                Assert.True(SpinWait.SpinUntil(() => pool.SleepingWorkers == threads, Patience), "the idle workers never went to sleep");
            }

            var jobs = Enumerable.Range(0, 1 + (round % 4)).Select(_ => log.NewJob(threads)).ToList();
            foreach (var job in jobs)
            {
                pool.Submit(job);
            }

            // A lost wake-up leaves a job waiting for good: this times out.
            await Task.WhenAll(jobs.Select(static job => job.Completion)).WaitAsync(Patience);
        }

        Assert.Empty(log.Violations);
        Assert.All(log.Jobs, job => Assert.All(job.RunsPerWorker, runs => Assert.Equal(1, runs)));
    }

    [Fact]
    public async Task Disposal_abandons_queued_jobs_lets_the_running_one_finish_and_refuses_new_ones()
    {
        var pool = new DedicatedWorkerPool(3, "test worker");
        var log = new JobLog();
        using var release = new ManualResetEventSlim();
        var running = log.NewJob(3, release);
        var queued = log.NewJob(3);
        pool.Submit(running);
        pool.Submit(queued);
        pool.Dispose();
        release.Set();

        await running.Completion.WaitAsync(Patience);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued.Completion.WaitAsync(Patience));
        Assert.Throws<ObjectDisposedException>(() => pool.Submit(log.NewJob(3)));
        Assert.Empty(log.Violations);
    }

    /// <summary>The jobs made, in order, and anything seen out of order.</summary>
    private sealed class JobLog
    {
        private int _completedJobs;

        public List<RecordingJob> Jobs { get; } = [];

        public System.Collections.Concurrent.ConcurrentQueue<string> Violations { get; } = new();

        public RecordingJob NewJob(int threads, ManualResetEventSlim? holdUntil = null)
        {
            var job = new RecordingJob(this, Jobs.Count, threads, holdUntil);
            Jobs.Add(job);
            return job;
        }

        public void Started(RecordingJob job)
        {
            var completed = Volatile.Read(ref _completedJobs);
            if (completed != job.Number)
            {
                Violations.Enqueue($"job {job.Number} ran while {completed} jobs were complete");
            }
        }

        public void Finished(RecordingJob job) => Volatile.Write(ref _completedJobs, job.Number + 1);
    }

    private sealed class RecordingJob(JobLog log, int number, int threads, ManualResetEventSlim? holdUntil) : IWorkerJob
    {
        private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining = threads;

        public int Number => number;

        public int[] RunsPerWorker { get; } = new int[threads];

        public Task Completion => _completion.Task;

        public void Run(int workerIndex)
        {
            log.Started(this);
            Interlocked.Increment(ref RunsPerWorker[workerIndex]);
            holdUntil?.Wait();
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                log.Finished(this);
                _completion.SetResult();
            }
        }

        public void Abandon(Exception reason) => _completion.SetException(reason);
    }
}
