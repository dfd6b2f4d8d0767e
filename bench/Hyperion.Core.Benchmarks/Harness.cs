using System.Diagnostics;

namespace Hyperion.Core.Benchmarks;

/// <summary>
/// A small timed harness: warm up, then run an operation in batches until the time budget is spent, and
/// report operations per second. Every comparison measures both sides in the same process and run.
/// </summary>
internal sealed class Harness(TimeSpan budget)
{
    public double OpsPerSecond(Func<int, long> runBatch, int batchSize)
    {
        // Warm-up lets tiered JIT promote the hot loop before timing starts.
        var warmUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * budget.TotalSeconds / 4);
        long sink = 0;
        while (Stopwatch.GetTimestamp() < warmUntil)
        {
            sink += runBatch(batchSize);
        }

        long operations = 0;
        var start = Stopwatch.GetTimestamp();
        var stop = start + (long)(Stopwatch.Frequency * budget.TotalSeconds);
        long now;
        do
        {
            sink += runBatch(batchSize);
            operations += batchSize;
            now = Stopwatch.GetTimestamp();
        }
        while (now < stop);

        GC.KeepAlive(sink);
        return operations / ((now - start) / (double)Stopwatch.Frequency);
    }

    public static void PrintComparison(string what, string unit, double ours, double baseline, string baselineName, double goal)
    {
        var ratio = ours / baseline;
        var verdict = goal > 0 ? (ratio >= goal ? $"goal >= {goal}x met" : $"goal >= {goal}x NOT met") : string.Empty;
        Console.WriteLine($"{what,-34} ours {ours,14:N0} {unit}   {baselineName} {baseline,14:N0} {unit}   ratio {ratio,7:F2}x   {verdict}");
    }
}
