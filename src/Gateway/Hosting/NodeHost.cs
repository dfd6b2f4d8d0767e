using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Hyperion.Gateway.Hosting;

/// <summary>What the silo and the standalone gateway share as hosts of the JSON-RPC endpoint.</summary>
public static class NodeHost
{
    /// <summary>
    /// Orleans and ASP.NET Core narrate their own start at Information level; a node's console should
    /// show the node. These sit below every other source, so appsettings.json can turn them back up.
    /// </summary>
    private static readonly KeyValuePair<string, string?>[] QuietLoggingDefaults =
    [
        new("Logging:LogLevel:Default", "Information"),
        new("Logging:LogLevel:Orleans", "Warning"),
        new("Logging:LogLevel:Microsoft.AspNetCore", "Warning"),
        new("Logging:LogLevel:Microsoft.Hosting.Lifetime", "Warning"),

        // Orleans runs grain placement through a Polly pipeline that logs every attempt at Information.
        new("Logging:LogLevel:Polly", "Warning"),

        // Every failed readiness probe is logged as an error otherwise; the probe's answer already says it.
        new("Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks", "Critical"),
    ];

    /// <summary>
    /// A slim web host configured from appsettings.json (in the working folder), the environment and
    /// <paramref name="args"/>, which must already have passed <see cref="HostCommandLine.Validate"/>.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(IReadOnlyList<string> args, IReadOnlyCollection<CommandLineSwitch> switches)
    {
        // No Args here: the default command-line source knows nothing of our switch names.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        HostCommandLine.AddHyperionSources(builder.Configuration, args, switches, QuietLoggingDefaults);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        return builder;
    }

    /// <summary>
    /// The start both executables share: answers <c>--help</c>, checks the switches and builds the host from
    /// its configuration sources. Returns the builder, or null with the exit code to stop with after one line
    /// on the console saying why (a bad switch or a malformed appsettings.json is a usage error).
    /// </summary>
    public static async Task<(WebApplicationBuilder? Builder, int ExitCode)> TryCreateBuilderAsync(
        IReadOnlyList<string> args,
        IReadOnlyCollection<CommandLineSwitch> switches,
        string command,
        string summary,
        string programName)
    {
        var commandLineError = HostCommandLine.Validate(args, switches, out var helpRequested);
        if (helpRequested)
        {
            await Console.Out.WriteAsync(HostCommandLine.Usage(command, summary, switches)).ConfigureAwait(false);
            return (null, 0);
        }

        if (commandLineError is not null)
        {
            await Console.Error.WriteLineAsync($"{programName}: {commandLineError}").ConfigureAwait(false);
            return (null, HostCommandLine.UsageErrorExitCode);
        }

        try
        {
            return (CreateBuilder(args, switches), 0);
        }
        catch (InvalidDataException exception)
        {
            // A malformed appsettings.json: as much a configuration mistake as a bad switch.
            await Console.Error.WriteLineAsync($"{programName}: {Describe(exception)}").ConfigureAwait(false);
            return (null, HostCommandLine.UsageErrorExitCode);
        }
    }

    /// <summary>Serves HTTP on exactly one address and port (0: any free port).</summary>
    public static void ListenOn(WebApplicationBuilder builder, IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, port);
        });
    }

    /// <summary>The URL the server really listens on (it differs from the setting when the port was 0).</summary>
    public static string ListeningUrl(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Urls.FirstOrDefault() ?? "(not listening)";
    }

    /// <summary>Runs until SIGINT or SIGTERM; turns a failure to start or run into one line and exit code 1.</summary>
    public static async Task<int> RunAsync(WebApplication app, string programName)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException)
        {
            return 0; // Stopped before it had finished starting: that is what the signal asked for.
        }
#pragma warning disable CA1031 // The process's last word: whatever went wrong is reported in one line.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"{programName}: error: {Describe(exception)}").ConfigureAwait(false);
            return HostCommandLine.RuntimeErrorExitCode;
        }
    }

    /// <summary>
    /// The outer message says what failed ("Failed to bind to address …"), the innermost one often why;
    /// both, unless one already contains the other.
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var cause = exception.GetBaseException();
        return ReferenceEquals(cause, exception) || exception.Message.Contains(cause.Message, StringComparison.OrdinalIgnoreCase)
            ? exception.Message
            : $"{exception.Message} ({cause.Message})";
    }
}
