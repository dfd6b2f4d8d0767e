using System.Globalization;

namespace Hyperion.Evm.Benchmarks;

/// <summary>
/// EVM benchmarks, each against a peer measured in the same run:
/// <c>dotnet run -c Release --project bench/Hyperion.Evm.Benchmarks -- [compute|erc20|keccak|blake2f|all] [--seconds s] [--no-anvil]</c>.
/// The compute suite also runs the loop against revm through anvil's eth_call unless --no-anvil is given.
/// </summary>
internal static class Program
{
    private const string Usage = "Usage: [compute|erc20|keccak|blake2f|all] [--seconds s] [--no-anvil]";

    private static AnvilNode? s_anvil;

    public static async Task<int> Main(string[] args)
    {
        var seconds = 1.0;
        var anvil = true;
        var suites = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length
                && double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0)
            {
                seconds = s;
            }
            else if (args[i] == "--no-anvil")
            {
                anvil = false;
            }
            else if (args[i] is "compute" or "erc20" or "keccak" or "blake2f" or "all")
            {
                suites.Add(args[i]);
            }
            else
            {
                Console.Error.WriteLine($"Unknown argument '{args[i]}'. {Usage}");
                return 2;
            }
        }

        if (suites.Count == 0 || suites.Contains("all"))
        {
            suites = ["compute", "erc20", "keccak", "blake2f"];
        }

        // Whatever ends the run (Ctrl-C, an exception, a normal exit), the anvil this process started goes with it.
        Console.CancelKeyPress += (_, _) => Interlocked.Exchange(ref s_anvil, null)?.Dispose();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Interlocked.Exchange(ref s_anvil, null)?.Dispose();

        var harness = new Harness(TimeSpan.FromSeconds(seconds));
        var summary = new Summary();
        Console.WriteLine($"Hyperion.Evm benchmarks: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:F1} s per measurement, "
            + "peer Nethereum.EVM 6.1.0 in this process");
        foreach (var suite in suites.Distinct())
        {
            switch (suite)
            {
                case "compute":
                    CallBenchmarks.RunCompute(harness, summary);
                    if (anvil)
                    {
                        await AnvilBenchmark.RunAsync(harness, summary, node => s_anvil = node);
                    }

                    break;
                case "erc20":
                    Erc20Benchmark.Run(harness, summary);
                    break;
                case "keccak":
                    CallBenchmarks.RunKeccak(harness, summary);
                    break;
                case "blake2f":
                    Blake2FBenchmark.Run(harness, summary);
                    break;
            }
        }

        summary.Print();
        return 0;
    }
}
