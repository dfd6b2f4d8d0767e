using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Hyperion.Grains.Abstractions.Inference;

namespace Hyperion.Inference.Benchmarks;

internal sealed record BenchmarkOptions(string[] Models, int Seconds, int[] Concurrency, int MaxBatch, TimeSpan MaxQueueDelay, bool Gpu)
{
    public TimeSpan Duration => TimeSpan.FromSeconds(Seconds);

    public TimeSpan Warmup => TimeSpan.FromSeconds(Math.Max(1, Seconds / 5));

    public static BenchmarkOptions Parse(string[] args)
    {
        var result = new BenchmarkOptions(["mlp", "resnet18"], 10, [1, 4, 16], 16, TimeSpan.Zero, false);
        for (var index = 0; index < args.Length; index++)
        {
            string Next() => index + 1 < args.Length ? args[++index] : throw new ArgumentException($"{args[index]} needs a value");
            result = args[index] switch
            {
                "--models" => result with { Models = Next().Split(',') },
                "--seconds" => result with { Seconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--concurrency" => result with { Concurrency = [.. Next().Split(',').Select(value => int.Parse(value, CultureInfo.InvariantCulture))] },
                "--max-batch" => result with { MaxBatch = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--max-queue-delay-ms" => result with { MaxQueueDelay = TimeSpan.FromMilliseconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--gpu" => result with { Gpu = true },
                _ => throw new ArgumentException($"unknown option {args[index]}"),
            };
        }

        return result;
    }
}

/// <summary>
/// Closed-loop load: <c>concurrency</c> callers, each sending its next request when the last one returns. The
/// variants are measured in alternating rounds, so that a noisy neighbour on the machine weighs on all of them alike.
/// </summary>
internal static class Load
{
    public const int Rounds = 4;

    public static async Task<LoadResult[]> CompareAsync(int concurrency, TimeSpan warmup, TimeSpan duration, params Func<Task<InferenceResult?>>[] variants)
    {
        var samples = variants.Select(_ => new ConcurrentBag<Sample>()).ToArray();
        var elapsed = new TimeSpan[variants.Length];
        foreach (var variant in variants)
        {
            await RunForAsync(concurrency, warmup, variant, null);
        }

        for (var round = 0; round < Rounds; round++)
        {
            for (var index = 0; index < variants.Length; index++)
            {
                elapsed[index] += await RunForAsync(concurrency, duration / Rounds, variants[index], samples[index]);
            }
        }

        return [.. samples.Select((bag, index) => new LoadResult([.. bag], elapsed[index]))];
    }

    private static async Task<TimeSpan> RunForAsync(int concurrency, TimeSpan duration, Func<Task<InferenceResult?>> request, ConcurrentBag<Sample>? samples)
    {
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                var sent = Stopwatch.GetTimestamp();
                var result = await request();
                samples?.Add(new Sample(Stopwatch.GetElapsedTime(sent).TotalMilliseconds, result));
            }
        })));
        return Stopwatch.GetElapsedTime(started);
    }
}

internal sealed record Sample(double LatencyMs, InferenceResult? Grid);

internal sealed record LoadResult(Sample[] Samples, TimeSpan Elapsed)
{
    public double Throughput => Samples.Length / Elapsed.TotalSeconds;

    public double Percentile(double p)
    {
        var sorted = Samples.Select(sample => sample.LatencyMs).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    public double MeanQueueMs => Samples.Where(sample => sample.Grid is not null).Select(sample => sample.Grid!.Shards.Sum(shard => shard.QueueMicroseconds) / 1000).DefaultIfEmpty().Average();

    public double MeanComputeMs => Samples.Where(sample => sample.Grid is not null).Select(sample => sample.Grid!.Shards.Sum(shard => shard.ComputeMicroseconds) / 1000).DefaultIfEmpty().Average();

    public double MeanBatch => Samples.Where(sample => sample.Grid is not null).SelectMany(sample => sample.Grid!.Shards).Select(shard => (double)shard.BatchSize).DefaultIfEmpty().Average();

    public int MaxBatch => Samples.Where(sample => sample.Grid is not null).SelectMany(sample => sample.Grid!.Shards).Select(shard => shard.BatchSize).DefaultIfEmpty().Max();
}

internal sealed record ResultRow(string Model, int Concurrency, LoadResult Plain, LoadResult Grid, LoadResult Pipeline)
{
    public const string MarkdownHeader =
        "| model | conc. | plain p50/p95/p99 ms | plain req/s | grid p50/p95/p99 ms | grid req/s | p50 ratio | throughput ratio | grid queue ms | grid compute ms | batch mean/max | shards in-process p50 ms, req/s |\n" +
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"  c={Concurrency,2}  plain p50 {Plain.Percentile(50):F3} p95 {Plain.Percentile(95):F3} p99 {Plain.Percentile(99):F3} ms {Plain.Throughput:F1}/s | " +
        $"grid p50 {Grid.Percentile(50):F3} p95 {Grid.Percentile(95):F3} p99 {Grid.Percentile(99):F3} ms {Grid.Throughput:F1}/s | " +
        $"p50 x{Grid.Percentile(50) / Plain.Percentile(50):F2}, throughput x{Grid.Throughput / Plain.Throughput:F2} | queue {Grid.MeanQueueMs:F3} ms compute {Grid.MeanComputeMs:F3} ms batch {Grid.MeanBatch:F1}/{Grid.MaxBatch} | " +
        $"shards in-process p50 {Pipeline.Percentile(50):F3} ms {Pipeline.Throughput:F1}/s");

    public string ToMarkdown() => string.Create(CultureInfo.InvariantCulture,
        $"| {Model} | {Concurrency} | {Plain.Percentile(50):F3} / {Plain.Percentile(95):F3} / {Plain.Percentile(99):F3} | {Plain.Throughput:F1} | " +
        $"{Grid.Percentile(50):F3} / {Grid.Percentile(95):F3} / {Grid.Percentile(99):F3} | {Grid.Throughput:F1} | " +
        $"{Grid.Percentile(50) / Plain.Percentile(50):F2}x | {Grid.Throughput / Plain.Throughput:F2}x | {Grid.MeanQueueMs:F3} | {Grid.MeanComputeMs:F3} | {Grid.MeanBatch:F1} / {Grid.MaxBatch} | {Pipeline.Percentile(50):F3}, {Pipeline.Throughput:F1} |");
}
