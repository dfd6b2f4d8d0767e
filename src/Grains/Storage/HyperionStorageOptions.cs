using System.Net;

namespace Hyperion.Grains.Storage;

/// <summary>Where a silo keeps its durable state: the block logs and the grains' persistent state.</summary>
public enum HyperionStorageKind
{
    /// <summary>SQLite files under a data folder: a laptop, or the silos of one machine.</summary>
    Embedded,

    /// <summary>Azure Storage blobs and tables: a cluster of machines.</summary>
    Azure,
}

/// <summary>How the silos of a cluster find each other.</summary>
public enum HyperionClusteringKind
{
    /// <summary>One machine, fixed ports, no membership store (Orleans development clustering).</summary>
    Localhost,

    /// <summary>A membership table in Azure Storage: silos on any machine join and leave.</summary>
    Azure,
}

/// <summary>The storage a silo uses, given to <see cref="HyperionStorageHosting.AddHyperionStorage"/>.</summary>
public sealed record HyperionStorageOptions
{
    /// <summary>The provider name the grains' <c>[PersistentState(..., "hyperion")]</c> attributes ask for.</summary>
    public const string GrainStorageName = "hyperion";

    public HyperionStorageKind Kind { get; init; } = HyperionStorageKind.Embedded;

    /// <summary>The data folder (<see cref="HyperionStorageKind.Embedded"/>): block logs under <c>chains/</c>, grain state under <c>grains/</c>.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// The Azure Storage connection string (<see cref="HyperionStorageKind.Azure"/>), e.g. <c>UseDevelopmentStorage=true</c>
    /// for Azurite on its default ports.
    /// </summary>
    public string? AzureConnectionString { get; init; }

    /// <summary>The blob container of the block logs (blocks and checkpoints).</summary>
    public string AzureBlockLogContainer { get; init; } = AzureBlockLogProvider.DefaultContainerName;

    /// <summary>The table of the block logs' indexes and markers.</summary>
    public string AzureBlockIndexTable { get; init; } = AzureBlockLogProvider.DefaultTableName;

    /// <summary>The blob container of the grains' persistent state.</summary>
    public string AzureGrainStateContainer { get; init; } = "hyperion-grainstate";

    public static HyperionStorageOptions Embedded(string dataDirectory) =>
        new() { Kind = HyperionStorageKind.Embedded, DataDirectory = dataDirectory };

    public static HyperionStorageOptions Azure(string connectionString) =>
        new() { Kind = HyperionStorageKind.Azure, AzureConnectionString = connectionString };
}

/// <summary>How a silo joins its cluster, given to <see cref="HyperionStorageHosting.UseHyperionClustering"/>.</summary>
public sealed record HyperionClusteringOptions
{
    public HyperionClusteringKind Kind { get; init; } = HyperionClusteringKind.Localhost;

    /// <summary>Orleans service id; null leaves it to the host (test clusters set their own).</summary>
    public string? ServiceId { get; init; }

    /// <summary>Orleans cluster id; null leaves it to the host.</summary>
    public string? ClusterId { get; init; }

    /// <summary>The silo-to-silo port; null leaves the endpoints to the host (Orleans defaults, or a test cluster's).</summary>
    public int? SiloPort { get; init; }

    /// <summary>The client gateway port; see <see cref="SiloPort"/>.</summary>
    public int? GatewayPort { get; init; }

    /// <summary>
    /// The address other silos and clients reach this silo at (<see cref="HyperionClusteringKind.Azure"/>); null: this
    /// host's first IPv4 address. Localhost clustering always uses the loopback address.
    /// </summary>
    public IPAddress? AdvertisedAddress { get; init; }

    /// <summary>The Azure Storage connection string of the membership table (<see cref="HyperionClusteringKind.Azure"/>).</summary>
    public string? AzureConnectionString { get; init; }
}
