using System.Globalization;
using System.Net;
using Hyperion.Gateway;
using Hyperion.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Hyperion.Silo;

/// <summary>The settings of a development node (section <c>Hyperion</c>), checked once at start.</summary>
internal sealed record NodeOptions
{
    public const string DefaultDataDirectory = "./.data";

    internal static readonly CommandLineSwitch[] Switches =
    [
        new("--port", "Hyperion:RpcPort", "n", $"JSON-RPC port, 0 for any free one (default {LocalCluster.DefaultRpcPort})"),
        new("--host", "Hyperion:RpcHost", "ip", "JSON-RPC address (default 127.0.0.1)"),
        new("--data", "Hyperion:DataDirectory", "dir", $"data folder, created if missing (default {DefaultDataDirectory})"),
        new("--chain-id", "Hyperion:ChainId", "n", $"chain id, decimal or 0x-hex (default {GatewayOptions.DefaultChainId})"),
        new("--silo-port", "Hyperion:SiloPort", "n", $"Orleans silo-to-silo port (default {LocalCluster.DefaultSiloPort})"),
        new("--gateway-port", "Hyperion:GatewayPort", "n", $"Orleans client gateway port (default {LocalCluster.DefaultGatewayPort})"),
    ];

    public required IPAddress RpcAddress { get; init; }

    public required int RpcPort { get; init; }

    /// <summary>Absolute path of the data folder, which exists once the options are loaded.</summary>
    public required string DataDirectory { get; init; }

    public required ulong ChainId { get; init; }

    public required int SiloPort { get; init; }

    public required int GatewayPort { get; init; }

    /// <summary>Reads and checks every setting, and creates the data folder.</summary>
    /// <returns>The options, or null with one line per problem in <paramref name="errors"/>.</returns>
    public static NodeOptions? Load(IConfiguration configuration, out IReadOnlyList<string> errors)
    {
        var settings = new SettingsReader(configuration, Switches);
        var rpcAddress = settings.ReadIPAddress("Hyperion:RpcHost", IPAddress.Loopback);
        var rpcPort = settings.ReadPort("Hyperion:RpcPort", LocalCluster.DefaultRpcPort, allowAny: true);
        var chainId = settings.ReadChainId("Hyperion:ChainId", GatewayOptions.DefaultChainId);
        var siloPort = settings.ReadPort("Hyperion:SiloPort", LocalCluster.DefaultSiloPort);
        var gatewayPort = settings.ReadPort("Hyperion:GatewayPort", LocalCluster.DefaultGatewayPort);
        if (siloPort == gatewayPort)
        {
            settings.Fail("Hyperion:GatewayPort", gatewayPort.ToString(CultureInfo.InvariantCulture), "must differ from the silo port");
        }

        var dataDirectory = settings.ReadString("Hyperion:DataDirectory", DefaultDataDirectory);
        string? fullDataDirectory = null;
        try
        {
            fullDataDirectory = Directory.CreateDirectory(Path.GetFullPath(dataDirectory)).FullName;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            settings.Fail("Hyperion:DataDirectory", dataDirectory, $"cannot create the folder ({exception.Message})");
        }

        errors = settings.Errors;
        if (errors.Count > 0 || fullDataDirectory is null)
        {
            return null;
        }

        return new NodeOptions
        {
            RpcAddress = rpcAddress,
            RpcPort = rpcPort,
            DataDirectory = fullDataDirectory,
            ChainId = chainId,
            SiloPort = siloPort,
            GatewayPort = gatewayPort,
        };
    }
}
