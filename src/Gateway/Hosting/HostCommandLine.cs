using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace Hyperion.Gateway.Hosting;

/// <summary>Checks the command line and layers the node's configuration sources.</summary>
public static class HostCommandLine
{
    /// <summary>The exit code for a wrong command line or configuration value.</summary>
    public const int UsageErrorExitCode = 2;

    /// <summary>The exit code for a failure while running, such as a port already in use.</summary>
    public const int RuntimeErrorExitCode = 1;

    /// <summary>
    /// Accepts only the known switches, each with a value (<c>--port 8545</c> or <c>--port=8545</c>).
    /// The configuration binder would silently ignore a misspelt switch, so it is checked here.
    /// </summary>
    /// <returns>A one-line error, or null when the command line is valid.</returns>
    public static string? Validate(
        IReadOnlyList<string> args, IReadOnlyCollection<CommandLineSwitch> switches, out bool helpRequested)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(switches);
        helpRequested = false;
        for (var index = 0; index < args.Count; index++)
        {
            var argument = args[index];
            if (argument is "-h" or "--help" or "-?")
            {
                helpRequested = true;
                continue;
            }

            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                return $"unexpected argument '{argument}' (see --help)";
            }

            var separator = argument.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? argument : argument[..separator];
            if (!switches.Any(candidate => string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                return $"unknown option '{name}' (see --help)";
            }

            if (separator < 0)
            {
                if (index + 1 >= args.Count || args[index + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return $"option {name} needs a value";
                }

                index++;
            }
        }

        return null;
    }

    /// <summary>The text printed for <c>--help</c>.</summary>
    public static string Usage(string command, string summary, IReadOnlyCollection<CommandLineSwitch> switches)
    {
        ArgumentNullException.ThrowIfNull(switches);
        var text = new StringBuilder()
            .AppendLine(summary)
            .AppendLine()
            .AppendLine($"Usage: {command} [options]")
            .AppendLine()
            .AppendLine("Options:");
        foreach (var option in switches)
        {
            text.AppendLine($"  {option.Name + " <" + option.ValueName + ">",-26}{option.Description}")
                .AppendLine($"  {"",-26}environment: {option.EnvironmentVariable} or Hyperion__{option.ConfigurationKey.Split(':')[^1]}");
        }

        text.AppendLine($"  {"-h, --help",-26}Show this help.")
            .AppendLine()
            .AppendLine("Settings also come from appsettings.json in the working folder (section \"Hyperion\").")
            .AppendLine("The command line wins over the environment, which wins over appsettings.json.");
        return text.ToString();
    }

    /// <summary>
    /// Adds, in rising priority: <paramref name="defaults"/> below everything, the short
    /// <c>HYPERION_*</c> environment variables and the switches above everything else.
    /// </summary>
    public static void AddHyperionSources(
        IConfigurationBuilder configuration,
        IReadOnlyList<string> args,
        IReadOnlyCollection<CommandLineSwitch> switches,
        IEnumerable<KeyValuePair<string, string?>> defaults)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(switches);
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = defaults });

        var fromEnvironment = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in switches)
        {
            if (Environment.GetEnvironmentVariable(option.EnvironmentVariable) is { } value)
            {
                fromEnvironment[option.ConfigurationKey] = value;
            }
        }

        configuration.AddInMemoryCollection(fromEnvironment);
        configuration.AddCommandLine(
            [.. args],
            switches.ToDictionary(option => option.Name, option => option.ConfigurationKey, StringComparer.OrdinalIgnoreCase));
    }
}
