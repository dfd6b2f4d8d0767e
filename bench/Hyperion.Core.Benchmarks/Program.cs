using System.Globalization;

namespace Hyperion.Core.Benchmarks;

/// <summary>
/// Core primitive benchmarks, each against a baseline measured in the same run:
/// <c>dotnet run -c Release --project bench/Hyperion.Core.Benchmarks -- [keccak|recover|uint256|all] [--seconds s]</c>.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var seconds = 1.0;
        var suites = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length
                && double.TryParse(args[++i], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0)
            {
                seconds = s;
            }
            else if (args[i] is "keccak" or "recover" or "uint256" or "all")
            {
                suites.Add(args[i]);
            }
            else
            {
                Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: [keccak|recover|uint256|all] [--seconds s]");
                return 2;
            }
        }

        if (suites.Count == 0 || suites.Contains("all"))
        {
            suites = ["keccak", "recover", "uint256"];
        }

        var harness = new Harness(TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"Hyperion.Core benchmarks: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:F1} s per measurement");
        foreach (var suite in suites)
        {
            switch (suite)
            {
                case "keccak":
                    KeccakBenchmark.Run(harness);
                    break;
                case "recover":
                    RecoveryBenchmark.Run(harness);
                    break;
                case "uint256":
                    UInt256Benchmark.Run(harness);
                    break;
            }
        }

        return 0;
    }
}
