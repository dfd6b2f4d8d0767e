using System.Globalization;
using Azure.Data.Tables;
using Hyperion.Gateway.Health;
using Hyperion.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Hyperion.Gateway;

/// <summary>
/// The standalone gateway: JSON-RPC in front of an existing grid, joined as an Orleans client through a silo's
/// gateway port on this machine, or through the Azure Storage membership table. A development node does not
/// need it: the silo co-hosts the same gateway.
/// </summary>
internal static partial class Program
{
    private const string ProgramName = "hyperion-gateway";

    internal static readonly CommandLineSwitch[] Switches =
    [
        new("--port", "Hyperion:RpcPort", "n", $"JSON-RPC port (default {LocalCluster.DefaultRpcPort})"),
        new("--host", "Hyperion:RpcHost", "ip", "JSON-RPC address (default 127.0.0.1)"),
        new("--chain-id", "Hyperion:ChainId", "n", $"chain id of the node's chain (default {GatewayOptions.DefaultChainId})"),
        new("--silo-gateway-port", "Hyperion:SiloGatewayPort", "n", $"Orleans gateway port of a silo (default {LocalCluster.DefaultGatewayPort})"),
        new("--clustering", "Hyperion:Clustering", "kind", "where the silos are found: localhost (a silo on this machine) or azure (Azure Storage membership table); default localhost"),
        new("--azure-storage", "Hyperion:AzureStorage", "string", "Azure Storage connection string for --clustering azure (e.g. UseDevelopmentStorage=true)"),
    ];

    public static async Task<int> Main(string[] args)
    {
        var (builder, exitCode) = await NodeHost.TryCreateBuilderAsync(
            args, Switches, "Hyperion.Gateway", "Hyperion Grid JSON-RPC gateway: joins a running grid as an Orleans client.", ProgramName).ConfigureAwait(false);
        if (builder is null)
        {
            return exitCode;
        }

        var settings = new SettingsReader(builder.Configuration, Switches);
        var rpcAddress = settings.ReadIPAddress("Hyperion:RpcHost", System.Net.IPAddress.Loopback);
        var rpcPort = settings.ReadPort("Hyperion:RpcPort", LocalCluster.DefaultRpcPort, allowAny: true);
        var chainId = settings.ReadChainId("Hyperion:ChainId", GatewayOptions.DefaultChainId);
        var siloGatewayPort = settings.ReadPort("Hyperion:SiloGatewayPort", LocalCluster.DefaultGatewayPort);
        var clustering = settings.ReadString("Hyperion:Clustering", "localhost").ToUpperInvariant();
        if (clustering is not ("LOCALHOST" or "AZURE"))
        {
            settings.Fail("Hyperion:Clustering", builder.Configuration["Hyperion:Clustering"] ?? "", "expected localhost or azure");
        }

        var azureStorage = builder.Configuration["Hyperion:AzureStorage"];
        var problems = settings.Errors.ToList();
        if (clustering == "AZURE" && string.IsNullOrWhiteSpace(azureStorage))
        {
            problems.Add("--clustering azure needs an Azure Storage connection string: set --azure-storage, HYPERION_AZURE_STORAGE or Hyperion:AzureStorage");
        }

        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync($"{ProgramName}: {problems[0]}").ConfigureAwait(false);
            return HostCommandLine.UsageErrorExitCode;
        }

        builder.Services.AddSingleton<ClusterClientReadiness>();
        builder.Services.AddSingleton<IClusterReadiness>(services => services.GetRequiredService<ClusterClientReadiness>());
        builder.Services.AddHostedService(services => services.GetRequiredService<ClusterClientReadiness>());
        builder.UseOrleansClient(client =>
        {
            if (clustering == "AZURE")
            {
                // The silos' own membership table lists their gateways; the identity must match theirs.
                client.UseAzureStorageClustering(gateways => gateways.TableServiceClient = new TableServiceClient(azureStorage));
                client.Configure<ClusterOptions>(cluster =>
                {
                    cluster.ServiceId = LocalCluster.ServiceId;
                    cluster.ClusterId = LocalCluster.ClusterId;
                });
            }
            else
            {
                client.UseLocalhostClustering(siloGatewayPort, LocalCluster.ServiceId, LocalCluster.ClusterId);
            }

            client.Services.AddSingleton<IClusterConnectionStatusObserver>(
                services => services.GetRequiredService<ClusterClientReadiness>());
            client.UseConnectionRetryFilter<ClusterConnectionRetryFilter>();
        });

        // Serve /health while the client is still connecting, so probes can tell "alive" from "ready".
        builder.Services.Configure<HostOptions>(host => host.ServicesStartConcurrently = true);
        builder.Services.AddHyperionGateway(gateway => gateway.ChainId = chainId);
        NodeHost.ListenOn(builder, rpcAddress, rpcPort);

        var app = builder.Build();
        app.MapHyperionGateway();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Hyperion.Gateway");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var rpcUrl = NodeHost.ListeningUrl(app);
            var cluster = clustering == "AZURE"
                ? "the Azure Storage membership table"
                : $"Orleans gateway port {siloGatewayPort.ToString(CultureInfo.InvariantCulture)}";
            LogListening(logger, chainId, rpcUrl, cluster);
        });
        return await NodeHost.RunAsync(app, ProgramName).ConfigureAwait(false);
    }

    [LoggerMessage(
        EventId = 1,
        Level = LogLevel.Information,
        Message = "Hyperion Grid gateway: chain {ChainId}, JSON-RPC {RpcUrl}, cluster via {Cluster}")]
    private static partial void LogListening(ILogger logger, ulong chainId, string rpcUrl, string cluster);
}
