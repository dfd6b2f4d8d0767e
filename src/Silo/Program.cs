using System.Net;
using System.Net.Sockets;
using Hyperion.Gateway;
using Hyperion.Gateway.Health;
using Hyperion.Gateway.Hosting;
using Hyperion.Grains.Chain;
using Hyperion.Grains.Inference;
using Hyperion.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hyperion.Silo;

/// <summary>
/// A development node: one Orleans silo (localhost clustering) that co-hosts the JSON-RPC gateway in
/// the same process. Stops cleanly, with exit code 0, on SIGINT or SIGTERM.
/// </summary>
internal static partial class Program
{
    private const string ProgramName = "hyperion-silo";

    public static async Task<int> Main(string[] args)
    {
        var (builder, exitCode) = await NodeHost.TryCreateBuilderAsync(
            args, NodeOptions.Switches, "Hyperion.Silo", "Hyperion Grid node: one Orleans silo with the JSON-RPC gateway.", ProgramName).ConfigureAwait(false);
        if (builder is null)
        {
            return exitCode;
        }

        var options = NodeOptions.Load(builder.Configuration, out var errors);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"{ProgramName}: {errors[0]}").ConfigureAwait(false);
            return HostCommandLine.UsageErrorExitCode;
        }

        if (FindOrleansPortInUse(options) is { } portInUse)
        {
            await Console.Error.WriteLineAsync($"{ProgramName}: error: {portInUse}").ConfigureAwait(false);
            return HostCommandLine.RuntimeErrorExitCode;
        }

        builder.Services.AddSingleton(options);
        var developmentAccounts = DevelopmentAccounts.Derive(options.DevAccounts);
        var chain = DevelopmentAccounts.Chain(options.ChainId, options.BlockTimeMs, (ulong)options.GasLimit, developmentAccounts);
        chain.ExecutionThreads = options.ExecutionThreads;
        builder.UseOrleans(silo =>
        {
            silo.UseHyperionClustering(options.ClusteringOptions);
            silo.AddHyperionStorage(options.StorageOptions);
            silo.AddHyperionChains(chain);
            silo.AddHyperionInference();
            silo.AnnounceInferenceGpus(options.Gpus);
        });
        builder.Services.AddHyperionGateway(gateway =>
        {
            gateway.ChainId = options.ChainId;
            gateway.MaxRequestBodyBytes = options.MaxRequestBodyBytes;
        });
        builder.Services.AddSingleton<IClusterReadiness, SiloReadiness>();
        NodeHost.ListenOn(builder, options.RpcAddress, options.RpcPort);

        var app = builder.Build();
        app.MapHyperionGateway();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Hyperion.Silo");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var rpcUrl = NodeHost.ListeningUrl(app);
            LogListening(logger, options.ChainId, rpcUrl, options.DataDirectory, options.SiloPort, options.GatewayPort);
            Console.Out.Write(DevelopmentAccounts.Describe(developmentAccounts));
        });
        app.Lifetime.ApplicationStopped.Register(() => LogStopped(logger));
        return await NodeHost.RunAsync(app, ProgramName).ConfigureAwait(false);
    }

    /// <summary>
    /// Orleans listens with SO_REUSEPORT, so a second silo on a taken port starts "successfully" and the
    /// two then share each other's traffic. An exclusive bind first turns that into a clear error.
    /// </summary>
    private static string? FindOrleansPortInUse(NodeOptions options)
    {
        foreach (var (port, role) in new[] { (options.SiloPort, "silo port"), (options.GatewayPort, "gateway port") })
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return $"the Orleans {role} {port} is already in use (is another node running? choose another with --{role.Replace(' ', '-')})";
            }
        }

        return null;
    }

    [LoggerMessage(
        EventId = 1,
        Level = LogLevel.Information,
        Message = "Hyperion Grid node: chain {ChainId}, JSON-RPC {RpcUrl}, data {DataDirectory}, Orleans silo port {SiloPort}, gateway port {GatewayPort}")]
    private static partial void LogListening(
        ILogger logger, ulong chainId, string rpcUrl, string dataDirectory, int siloPort, int gatewayPort);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Hyperion Grid node stopped")]
    private static partial void LogStopped(ILogger logger);
}
