using System.Diagnostics;

namespace Hyperion.Node.Benchmarks;

/// <summary>
/// The cheapest request a node answers, as fast as the same client can send it: eth_chainId (a constant on both nodes)
/// at the transfer load's concurrency. It measures what every request pays before any chain work (HTTP, JSON-RPC
/// parsing, dispatch) on each node, in the same run, so the transfer ratio can be read against it: a node cannot
/// admit transactions faster than it answers eth_chainId.
/// </summary>
internal static class RpcFloor
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);

    /// <summary>Requests per second over <see cref="Duration"/>, after a short unmeasured warm-up.</summary>
    public static async Task<double> MeasureAsync(Uri url, int concurrency)
    {
        using var client = new JsonRpcClient(url, concurrency);
        await RunAsync(client, concurrency, TimeSpan.FromMilliseconds(300)).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var count = await RunAsync(client, concurrency, Duration).ConfigureAwait(false);
        return count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task<long> RunAsync(JsonRpcClient client, int concurrency, TimeSpan duration)
    {
        long count = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                await client.CallAsync("eth_chainId", "[]").ConfigureAwait(false);
                Interlocked.Increment(ref count);
            }
        }))).ConfigureAwait(false);
        return count;
    }
}
