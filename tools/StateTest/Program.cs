using System.Globalization;
using Hyperion.StateTest;

// dotnet run -c Release --project tools/StateTest -- <file-or-directory> [--fork Cancun] [--test name] [--index i] [--trace] [--threads n] [--list-passes]
string? path = null;
var options = new StateTestOptions();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--fork":
            options = options with { Fork = args[++i] };
            break;
        case "--test":
            options = options with { TestFilter = args[++i] };
            break;
        case "--index":
            options = options with { CaseIndex = int.Parse(args[++i], CultureInfo.InvariantCulture) };
            break;
        case "--trace":
            options = options with { Trace = Console.Error };
            break;
        case "--list-passes":
            options = options with { ListPasses = true };
            break;
        case "--threads":
            options = options with { MaxParallelism = int.Parse(args[++i], CultureInfo.InvariantCulture) };
            break;
        default:
            path = args[i];
            break;
    }
}

if (path is null || (!File.Exists(path) && !Directory.Exists(path)))
{
    Console.Error.WriteLine("usage: Hyperion.StateTest <file-or-directory> [--fork Cancun] [--test name] [--index i] [--trace] [--threads n] [--list-passes]");
    return 2;
}

var report = StateTestRunner.Run(path, options);
foreach (var failure in report.Failures)
{
    Console.WriteLine(failure);
}

foreach (var pass in report.Passes)
{
    Console.WriteLine(pass);
}

foreach (var skip in report.Skips)
{
    Console.WriteLine(skip);
}

Console.Error.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"{report.Total} cases in {report.Elapsed.TotalSeconds:F1} s ({report.Total / Math.Max(report.Elapsed.TotalSeconds, 0.001):F0} cases/s)"));
Console.WriteLine(report.Summary);
return report.Failed == 0 ? 0 : 1;
