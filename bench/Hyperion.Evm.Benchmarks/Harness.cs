using System.Diagnostics;

namespace Hyperion.Evm.Benchmarks;

/// <summary>
/// The timed harness of the benchmarks (the style of bench/Hyperion.Core.Benchmarks): warm up so that tiered JIT
/// has promoted the hot paths, then run until the time budget is spent. The two sides of a comparison are
/// measured in the same process in alternating slices, so that a change in the load of this shared machine
/// during the measurement falls on both sides rather than on whichever happened to run second.
/// </summary>
internal sealed class Harness(TimeSpan budget)
{
    /// <summary>Slices per side: each side runs for budget / Slices, alternately, this many times.</summary>
    private const int Slices = 4;

    /// <summary>Runs per second of two workloads that return something to keep their work alive.</summary>
    public (double Ours, double Peer) Compare(Func<long> ours, Func<long> peer)
    {
        ArgumentNullException.ThrowIfNull(ours);
        ArgumentNullException.ThrowIfNull(peer);
        return Compare(static () => 0, _ => ours(), static () => 0, _ => peer());
    }

    /// <summary>
    /// Runs per second of two workloads, each run on a fresh input from its prepare function; only the runs are
    /// timed, so that rebuilding a world between blocks does not count.
    /// </summary>
    public (double Ours, double Peer) Compare<TOurs, TPeer>(Func<TOurs> prepareOurs, Func<TOurs, long> ours, Func<TPeer> preparePeer, Func<TPeer, long> peer)
    {
        var left = new Side<TOurs>(prepareOurs, ours);
        var right = new Side<TPeer>(preparePeer, peer);
        // Tier-1 code for the interpreter loop arrives only after ~30 calls and a background compile, so a short
        // budget still warms for half a second.
        var warm = TimeSpan.FromTicks(Math.Max(budget.Ticks / 4, TimeSpan.FromSeconds(0.5).Ticks));
        left.Warm(warm);
        right.Warm(warm);
        for (var slice = 0; slice < Slices; slice++)
        {
            left.Measure(budget / Slices);
            right.Measure(budget / Slices);
        }

        return (left.RunsPerSecond, right.RunsPerSecond);
    }

    /// <summary>
    /// The median wall time of one call of each function, calling them in turn (one of each, again and again) for
    /// the budget and at least <paramref name="minimumRounds"/> rounds, after two untimed rounds.
    /// </summary>
    public TimeSpan[] MedianCallTimes(int minimumRounds, params Func<long>[] calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        long sink = 0;
        for (var round = 0; round < 2; round++)
        {
            foreach (var call in calls)
            {
                sink += call();
            }
        }

        var times = calls.Select(_ => new List<long>()).ToArray();
        var stop = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * budget.TotalSeconds);
        while (times[0].Count < minimumRounds || Stopwatch.GetTimestamp() < stop)
        {
            for (var i = 0; i < calls.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                sink += calls[i]();
                times[i].Add(Stopwatch.GetTimestamp() - start);
            }
        }

        GC.KeepAlive(sink);
        return [.. times.Select(list =>
        {
            list.Sort();
            return Stopwatch.GetElapsedTime(0, list[list.Count / 2]);
        })];
    }

    private sealed class Side<T>(Func<T> prepare, Func<T, long> run)
    {
        private readonly Func<T> _prepare = prepare ?? throw new ArgumentNullException(nameof(prepare));
        private readonly Func<T, long> _run = run ?? throw new ArgumentNullException(nameof(run));
        private long _runs;
        private long _ticks;
        private long _sink;

        public double RunsPerSecond => _runs / (_ticks / (double)Stopwatch.Frequency);

        public void Warm(TimeSpan time)
        {
            var stop = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * time.TotalSeconds);
            do
            {
                _sink += _run(_prepare());
            }
            while (Stopwatch.GetTimestamp() < stop);
        }

        /// <summary>Runs until <paramref name="time"/> has passed (at least once), adding the runs and their time.</summary>
        public void Measure(TimeSpan time)
        {
            // Start from a collected heap, so that a slice does not pay for collecting the other side's garbage.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var stop = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * time.TotalSeconds);
            do
            {
                var input = _prepare();
                var start = Stopwatch.GetTimestamp();
                _sink += _run(input);
                _ticks += Stopwatch.GetTimestamp() - start;
                _runs++;
            }
            while (Stopwatch.GetTimestamp() < stop);

            GC.KeepAlive(_sink);
        }
    }
}
