namespace Hyperion.Fixtures;

/// <summary>
/// The "N passed, M failed, K skipped" line of a conformance run. Test runners hide test output unless
/// asked; so besides the test's own output, the line is appended to a file in the folder named by
/// <c>HYPERION_REPORT_DIR</c>, which <c>test.sh</c> prints at the end of the run.
/// </summary>
public static class ConformanceReport
{
    public const string DirectoryVariable = "HYPERION_REPORT_DIR";

    private static readonly Lock FileLock = new();

    /// <summary>Formats the summary line, hands it (and the failures) to <paramref name="writeLine"/>, and records it.</summary>
    public static string Record(string suite, int passed, int failed, int skipped, IEnumerable<string> failures, Action<string> writeLine)
    {
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentNullException.ThrowIfNull(writeLine);
        foreach (var failure in failures)
        {
            writeLine(failure);
        }

        var summary = $"{suite}: {passed} passed, {failed} failed, {skipped} skipped";
        writeLine(summary);
        var folder = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
            lock (FileLock)
            {
                File.AppendAllText(Path.Combine(folder, "conformance.txt"), summary + Environment.NewLine);
            }
        }

        return summary;
    }
}
