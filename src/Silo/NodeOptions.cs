using System.Globalization;
using System.Net;
using Hyperion.Gateway;
using Hyperion.Gateway.Hosting;
using Hyperion.Grains.Chain;
using Hyperion.Grains.Storage;
using Microsoft.Extensions.Configuration;

namespace Hyperion.Silo;

/// <summary>The settings of a development node (section <c>Hyperion</c>), checked once at start.</summary>
internal sealed record NodeOptions
{
    public const string DefaultDataDirectory = "./.data";
    public const int DefaultBlockTimeMs = 250;
    public const int DefaultDevAccounts = 10;

    /// <summary>geth's floor for a block gas limit.</summary>
    public const long MinimumGasLimit = 5000;

    /// <summary>Far above any chain's (gas is counted in 64 bits, and the EVM's gas in a call fits in a long).</summary>
    public const long MaximumGasLimit = long.MaxValue / 2;

    internal static readonly CommandLineSwitch[] Switches =
    [
        new("--port", "Hyperion:RpcPort", "n", $"JSON-RPC port, 0 for any free one (default {LocalCluster.DefaultRpcPort})"),
        new("--host", "Hyperion:RpcHost", "ip", "JSON-RPC address (default 127.0.0.1)"),
        new("--data", "Hyperion:DataDirectory", "dir", $"data folder, created if missing (default {DefaultDataDirectory})"),
        new("--chain-id", "Hyperion:ChainId", "n", $"chain id, decimal or 0x-hex (default {GatewayOptions.DefaultChainId})"),
        new("--silo-port", "Hyperion:SiloPort", "n", $"Orleans silo-to-silo port (default {LocalCluster.DefaultSiloPort})"),
        new("--gateway-port", "Hyperion:GatewayPort", "n", $"Orleans client gateway port (default {LocalCluster.DefaultGatewayPort})"),
        new("--block-time", "Hyperion:BlockTimeMs", "ms", $"milliseconds between blocks, 0 for blocks only on demand (default {DefaultBlockTimeMs})"),
        new("--execution-threads", "Hyperion:ExecutionThreads", "n", "threads that execute each block: 1 runs it in order, 2 runs ahead of a committer, 3 and more run Block-STM (default: the processor count)"),
        new("--gas-limit", "Hyperion:GasLimit", "gas", $"gas limit of every block (default {ChainOptions.DefaultGasLimit:N0}; a plain transfer takes 21,000)"),
        new("--max-request-bytes", "Hyperion:MaxRequestBodyBytes", "n", $"largest JSON-RPC request body accepted (default {GatewayOptions.DefaultMaxRequestBodyBytes}; raise it to register large models)"),
        new("--gpus", "Hyperion:Gpus", "n", "GPUs this silo announces for model shards (default: the /dev/nvidiaN devices present)"),
        new("--dev-accounts", "Hyperion:DevAccounts", "n", $"development accounts funded at genesis with 10,000 ETH each (default {DefaultDevAccounts})"),
        new("--storage", "Hyperion:Storage", "kind", "durable state: embedded (SQLite files under --data) or azure (Azure Storage); default embedded"),
        new("--clustering", "Hyperion:Clustering", "kind", "cluster membership: localhost (this machine only) or azure (Azure Storage table); default localhost"),
        new("--azure-storage", "Hyperion:AzureStorage", "string", "Azure Storage connection string for azure storage or clustering (e.g. UseDevelopmentStorage=true)"),
    ];

    public required IPAddress RpcAddress { get; init; }

    public required int RpcPort { get; init; }

    /// <summary>Absolute path of the data folder, which exists once the options are loaded.</summary>
    public required string DataDirectory { get; init; }

    public required ulong ChainId { get; init; }

    public required int SiloPort { get; init; }

    public required int GatewayPort { get; init; }

    public required int BlockTimeMs { get; init; }

    /// <summary>The gas limit of every block: with the block time, the most gas a second the chain can commit.</summary>
    public required long GasLimit { get; init; }

    /// <summary>Threads of the block executor; 0 for the processor count.</summary>
    public int ExecutionThreads { get; init; }

    /// <summary>GPUs announced in the silo's metadata, so model shards are placed here first.</summary>
    public required int Gpus { get; init; }

    public required int MaxRequestBodyBytes { get; init; }

    /// <summary>How many accounts of the development mnemonic the genesis funds.</summary>
    public required int DevAccounts { get; init; }

    public HyperionStorageKind Storage { get; init; } = HyperionStorageKind.Embedded;

    public HyperionClusteringKind Clustering { get; init; } = HyperionClusteringKind.Localhost;

    /// <summary>The Azure Storage connection string; set whenever storage or clustering is azure.</summary>
    public string? AzureStorage { get; init; }

    /// <summary>What <see cref="HyperionStorageHosting.AddHyperionStorage"/> needs for these settings.</summary>
    public HyperionStorageOptions StorageOptions => Storage == HyperionStorageKind.Azure
        ? HyperionStorageOptions.Azure(AzureStorage!)
        : HyperionStorageOptions.Embedded(DataDirectory);

    /// <summary>What <see cref="HyperionStorageHosting.UseHyperionClustering"/> needs for these settings.</summary>
    public HyperionClusteringOptions ClusteringOptions => new()
    {
        Kind = Clustering,
        ServiceId = LocalCluster.ServiceId,
        ClusterId = LocalCluster.ClusterId,
        SiloPort = SiloPort,
        GatewayPort = GatewayPort,
        AzureConnectionString = AzureStorage,
    };

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

        var blockTimeMs = settings.ReadInt32("Hyperion:BlockTimeMs", DefaultBlockTimeMs, 0, 3_600_000);
        var gasLimit = settings.ReadInt64("Hyperion:GasLimit", (long)ChainOptions.DefaultGasLimit, MinimumGasLimit, MaximumGasLimit);
        var executionThreads = settings.ReadInt32("Hyperion:ExecutionThreads", 0, 0, 1024);
        var maxRequestBodyBytes = settings.ReadInt32("Hyperion:MaxRequestBodyBytes", GatewayOptions.DefaultMaxRequestBodyBytes, 1024, int.MaxValue);
        var gpus = settings.ReadInt32("Hyperion:Gpus", CountNvidiaDevices(), 0, 64);
        var devAccounts = settings.ReadInt32("Hyperion:DevAccounts", DefaultDevAccounts, 0, 10_000);
        var storage = ReadChoice(settings, "Hyperion:Storage", HyperionStorageKind.Embedded);
        var clustering = ReadChoice(settings, "Hyperion:Clustering", HyperionClusteringKind.Localhost);
        var azureStorage = configuration["Hyperion:AzureStorage"];
        if (azureStorage is not null && string.IsNullOrWhiteSpace(azureStorage))
        {
            settings.Fail("Hyperion:AzureStorage", azureStorage, "expected an Azure Storage connection string");
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

        var problems = settings.Errors.ToList();
        if ((storage == HyperionStorageKind.Azure || clustering == HyperionClusteringKind.Azure) && string.IsNullOrWhiteSpace(azureStorage))
        {
            var needs = storage == HyperionStorageKind.Azure ? "--storage azure" : "--clustering azure";
            problems.Add($"{needs} needs an Azure Storage connection string: set --azure-storage, HYPERION_AZURE_STORAGE or Hyperion:AzureStorage " +
                "(e.g. UseDevelopmentStorage=true for Azurite on its default ports)");
        }

        errors = problems;
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
            BlockTimeMs = blockTimeMs,
            GasLimit = gasLimit,
            ExecutionThreads = executionThreads,
            Gpus = gpus,
            MaxRequestBodyBytes = maxRequestBodyBytes,
            DevAccounts = devAccounts,
            Storage = storage,
            Clustering = clustering,
            AzureStorage = azureStorage,
        };
    }

    /// <summary>One of an enum's names, any case (e.g. <c>embedded</c>, <c>azure</c>); not its number, which Enum.TryParse would take.</summary>
    private static T ReadChoice<T>(SettingsReader settings, string key, T defaultValue)
        where T : struct, Enum
    {
        var value = settings.ReadString(key, defaultValue.ToString());
        if (!value.All(char.IsAsciiLetter) || !Enum.TryParse<T>(value, ignoreCase: true, out var choice))
        {
            var names = string.Join(" or ", Enum.GetNames<T>().Select(name => name.ToLowerInvariant()));
            settings.Fail(key, value, $"expected {names}");
            return defaultValue;
        }

        return choice;
    }

    /// <summary>The NVIDIA devices the driver exposes (/dev/nvidia0, /dev/nvidia1, …); zero without a driver.</summary>
    private static int CountNvidiaDevices()
    {
        try
        {
            return Directory.Exists("/dev")
                ? Directory.EnumerateFiles("/dev", "nvidia*").Count(path => Path.GetFileName(path)["nvidia".Length..] is { Length: > 0 } index && index.All(char.IsAsciiDigit))
                : 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
