using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Hyperion.Grains.Storage;

/// <summary>
/// Opens block logs on Azure Storage: every chain's blocks and checkpoint in one blob container, their indexes and
/// markers in one table (a partition per chain). One instance per silo; all silos of a cluster see the same logs.
/// </summary>
public sealed class AzureBlockLogProvider : IBlockLogProvider
{
    public const string DefaultContainerName = "hyperion-blocklog";

    public const string DefaultTableName = "hyperionblockindex";

    private readonly ConcurrentDictionary<ulong, AzureBlockLog> _logs = new();
    private readonly BlobContainerClient _container;
    private readonly TableClient _table;

    public AzureBlockLogProvider(
        BlobServiceClient blobs, TableServiceClient tables, string containerName = DefaultContainerName, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(tables);
        _container = blobs.GetBlobContainerClient(containerName);
        _table = tables.GetTableClient(tableName);
    }

    /// <summary>From a connection string, such as <c>UseDevelopmentStorage=true</c> or one naming Azurite's endpoints.</summary>
    public AzureBlockLogProvider(string connectionString, string containerName = DefaultContainerName, string tableName = DefaultTableName)
        : this(new BlobServiceClient(connectionString), new TableServiceClient(connectionString), containerName, tableName)
    {
    }

    public IBlockLog Open(ulong chainId) => _logs.GetOrAdd(chainId, id => new AzureBlockLog(id, _container, _table));
}
