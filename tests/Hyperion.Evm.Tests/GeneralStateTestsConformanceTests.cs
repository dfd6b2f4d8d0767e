using System.Globalization;
using Hyperion.Fixtures;
using Hyperion.StateTest;
using Xunit.Abstractions;

namespace Hyperion.Evm.Tests;

/// <summary>
/// ethereum/tests GeneralStateTests through the state-test runner, in process: every Cancun case of every file.
/// Fails when fewer cases pass than <c>GeneralStateTests.baseline</c> records, so that a regression shows up.
/// </summary>
public sealed class GeneralStateTestsConformanceTests(ITestOutputHelper output)
{
    private const string Suite = "GeneralStateTests (Cancun)";

    [Fact]
    public void Cancun_cases_pass_at_least_as_often_as_the_baseline()
    {
        var report = StateTestRunner.Run(FixturePaths.Of("GeneralStateTests"), new StateTestOptions { Fork = "Cancun" });
        ConformanceReport.Record(Suite, report.Passed, report.Failed, report.Skipped, [.. report.Failures, .. report.Skips], output.WriteLine);

        var baseline = ReadBaseline();
        Assert.True(
            report.Passed >= baseline,
            $"{Suite}: {report.Passed} passed, below the baseline of {baseline} in GeneralStateTests.baseline.");
    }

    private static int ReadBaseline()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "GeneralStateTests.baseline");
        var number = File.ReadLines(path).Select(line => line.Trim()).First(line => line.Length > 0 && !line.StartsWith('#'));
        return int.Parse(number, CultureInfo.InvariantCulture);
    }
}
