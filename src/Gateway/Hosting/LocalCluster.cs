namespace Hyperion.Gateway.Hosting;

/// <summary>
/// The Orleans identity of a development (localhost-clustered) grid. The silo and the standalone
/// gateway must agree on both, or the gateway's client is refused by the silo.
/// </summary>
public static class LocalCluster
{
    public const string ServiceId = "hyperion-grid";

    public const string ClusterId = "hyperion-dev";

    /// <summary>The Orleans silo-to-silo port of a development node.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>The Orleans client gateway port of a development node.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>The JSON-RPC port every Ethereum tool tries first.</summary>
    public const int DefaultRpcPort = 8545;
}
