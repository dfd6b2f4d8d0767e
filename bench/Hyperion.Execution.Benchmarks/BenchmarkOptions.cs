using System.Globalization;

namespace Hyperion.Execution.Benchmarks;

/// <summary>The command line: --workload, --txs, --accounts, --threads, how many runs (--warmup, --repeat), the seed, and the engine.</summary>
internal sealed record BenchmarkOptions
{
    public string Workload { get; init; } = "transfers";

    public int Transactions { get; init; } = 10_000;

    public int Accounts { get; init; } = 10_000;

    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Unmeasured runs first, enough for the runtime's tiered compilation to settle: a method is recompiled with full
    /// optimisation after 30 calls, and a block's own loops (the executors' per-block methods) are called once per
    /// run, so with a handful of warm-up runs both executors were measured partly in first-tier code, not at the
    /// steady state of a node that executes block after block.
    /// </summary>
    public int Warmup { get; init; } = 40;

    public int Repeat { get; init; } = 9;

    public int Seed { get; init; } = 1;

    /// <summary>
    /// How the parallel executor runs blocks the plain-transfer path does not take: <c>auto</c> (the sequential executor
    /// on one thread, run-ahead on two, Block-STM on more), <c>block-stm</c> (always Block-STM).
    /// </summary>
    public string Engine { get; init; } = "auto";

    /// <summary>Run-ahead's distance (<see cref="BlockStmOptions.RunAheadDistance"/>).</summary>
    public int RunAheadDistance { get; init; } = new BlockStmOptions().RunAheadDistance;

    /// <summary>
    /// Senders are recovered inside the timed block execution (a block imported from the network) rather than before
    /// it (a node's own mempool recovers them at admission, which is the default).
    /// </summary>
    public bool RecoverSenders { get; init; }

    /// <summary>Per-run figures (wall and CPU time, Block-STM's statistics) on standard error.</summary>
    public bool Verbose { get; init; }

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--recover-senders" or "--verbose")
            {
                options = args[i] == "--verbose" ? options with { Verbose = true } : options with { RecoverSenders = true };
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--workload" => options with { Workload = value },
                "--txs" => options with { Transactions = Number(args[i], value) },
                "--accounts" => options with { Accounts = Number(args[i], value) },
                "--threads" => options with { Threads = Number(args[i], value) },
                "--warmup" => options with { Warmup = Number(args[i], value) },
                "--repeat" => options with { Repeat = Number(args[i], value) },
                "--seed" => options with { Seed = Number(args[i], value) },
                "--engine" => options with
                {
                    Engine = value is "auto" or "block-stm" ? value : throw new ArgumentException($"--engine takes auto or block-stm, not {value}."),
                },
                "--run-ahead-distance" => options with { RunAheadDistance = Number(args[i], value) },
                _ => throw new ArgumentException($"Unknown option {args[i]}. Options: --workload <name> --txs <n> --accounts <k> --threads <t> [--warmup <w>] [--repeat <r>] [--seed <s>] [--engine auto|block-stm] [--run-ahead-distance <d>] [--recover-senders] [--verbose]"),
            };
            i++;
        }

        return options;
    }

    private static int Number(string option, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException($"{option} takes a whole number, not {text}.");
}
