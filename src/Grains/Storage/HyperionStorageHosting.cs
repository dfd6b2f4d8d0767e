using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Hyperion.Grains.Storage;

/// <summary>
/// The one place where a silo (the node, and the tests' clusters) gets its storage and clustering providers, so that
/// what the tests exercise is what runs.
/// </summary>
public static class HyperionStorageHosting
{
    /// <summary>Orleans' own default service and cluster id for localhost clustering.</summary>
    private const string DevelopmentId = "dev";

    /// <summary>
    /// Registers the <see cref="IBlockLogProvider"/> and the <c>"hyperion"</c> grain storage
    /// (<see cref="HyperionStorageOptions.GrainStorageName"/>) for the chosen kind of storage.
    /// </summary>
    public static ISiloBuilder AddHyperionStorage(this ISiloBuilder silo, HyperionStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Kind)
        {
            case HyperionStorageKind.Embedded:
                var dataDirectory = Path.GetFullPath(Require(options.DataDirectory, "a data folder (DataDirectory) for embedded storage"));
                silo.Services.AddSingleton<IBlockLogProvider>(_ => new SqliteBlockLogProvider(dataDirectory));
                silo.Services.AddGrainStorage(
                    HyperionStorageOptions.GrainStorageName,
                    (services, _) => new SqliteGrainStorage(
                        SqliteGrainStorage.PathFor(dataDirectory),
                        services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
                        StorageSerializer(services),
                        services.GetRequiredService<IActivatorProvider>()));
                break;

            case HyperionStorageKind.Azure:
                var connectionString = Require(options.AzureConnectionString, "an Azure Storage connection string (AzureConnectionString)");
                silo.Services.AddSingleton<IBlockLogProvider>(
                    _ => new AzureBlockLogProvider(connectionString, options.AzureBlockLogContainer, options.AzureBlockIndexTable));
                silo.AddAzureBlobGrainStorage(
                    HyperionStorageOptions.GrainStorageName,
                    builder => builder.Configure<IServiceProvider>((blob, services) =>
                    {
                        blob.BlobServiceClient = new BlobServiceClient(connectionString);
                        blob.ContainerName = options.AzureGrainStateContainer;
                        blob.GrainStorageSerializer = StorageSerializer(services);
                    }));
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown storage kind.");
        }

        return silo;
    }

    /// <summary>Configures membership (and, where given, the cluster's identity and this silo's endpoints).</summary>
    public static ISiloBuilder UseHyperionClustering(this ISiloBuilder silo, HyperionClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        switch (options.Kind)
        {
            case HyperionClusteringKind.Localhost:
                silo.UseLocalhostClustering(
                    options.SiloPort ?? EndpointOptions.DEFAULT_SILO_PORT,
                    options.GatewayPort ?? EndpointOptions.DEFAULT_GATEWAY_PORT,
                    primarySiloEndpoint: null,
                    options.ServiceId ?? DevelopmentId,
                    options.ClusterId ?? DevelopmentId);
                return silo;

            case HyperionClusteringKind.Azure:
                var connectionString = Require(options.AzureConnectionString, "an Azure Storage connection string (AzureConnectionString) for Azure clustering");
                silo.UseAzureStorageClustering(membership => membership.TableServiceClient = new TableServiceClient(connectionString));
                if (options.ServiceId is not null || options.ClusterId is not null)
                {
                    silo.Configure<ClusterOptions>(cluster =>
                    {
                        cluster.ServiceId = options.ServiceId ?? cluster.ServiceId;
                        cluster.ClusterId = options.ClusterId ?? cluster.ClusterId;
                    });
                }

                if (options.SiloPort is { } siloPort)
                {
                    var gatewayPort = options.GatewayPort ?? EndpointOptions.DEFAULT_GATEWAY_PORT;

                    // Other machines connect to the advertised address, so listen on every interface.
                    if (options.AdvertisedAddress is { } address)
                    {
                        silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: true);
                    }
                    else
                    {
                        silo.ConfigureEndpoints(siloPort, gatewayPort, AddressFamily.InterNetwork, listenOnAnyHostAddress: true);
                    }
                }

                return silo;

            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown clustering kind.");
        }
    }

    /// <summary>
    /// The Orleans binary serializer, not the JSON default: Core's value types (Address, Hash256, UInt256) have Orleans
    /// surrogates but no JSON converters, and the binary form is version tolerant through the members' [Id]s.
    /// </summary>
    private static OrleansGrainStorageSerializer StorageSerializer(IServiceProvider services) =>
        new(services.GetRequiredService<Serializer>());

    private static string Require(string? value, string what) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"Hyperion storage needs {what}.") : value;
}
