using System.Reflection;

namespace Hyperion.Fixtures;

/// <summary>
/// Finds the ethereum/tests fixtures that live in <c>../shared/fixtures/ethereum-tests</c> next to the
/// repository, from wherever a test runs. <c>HYPERION_FIXTURES</c> overrides the search.
/// </summary>
public static class FixturePaths
{
    public const string EnvironmentVariable = "HYPERION_FIXTURES";

    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The <c>ethereum-tests</c> folder.</summary>
    public static string EthereumTests => Root.Value;

    /// <summary>A sub-folder of <c>ethereum-tests</c>, such as <c>RLPTests</c>.</summary>
    public static string Of(string relative) => Path.Combine(EthereumTests, relative);

    /// <summary>Every <c>*.json</c> file below a sub-folder, in a stable order.</summary>
    public static IReadOnlyList<string> JsonFiles(string relative)
    {
        var folder = Of(relative);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException(
                $"Fixture folder '{folder}' is missing. Put ethereum/tests in ../shared/fixtures/ethereum-tests or set {EnvironmentVariable}.");
        }

        var files = Directory.GetFiles(folder, "*.json", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    private static string FindRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Directory.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new DirectoryNotFoundException($"{EnvironmentVariable}='{fromEnvironment}' does not exist.");
        }

        var sourceDirectory = typeof(FixturePaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SourceDirectory")?.Value;
        foreach (var start in new[] { AppContext.BaseDirectory, sourceDirectory })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "ethereum-tests");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"No shared/fixtures/ethereum-tests above '{AppContext.BaseDirectory}'. Set {EnvironmentVariable} to the fixture folder.");
    }
}
