using System.Collections.Concurrent;

namespace Hyperion.Grains.Storage;

/// <summary>Opens the SQLite block logs under a data folder; one instance per silo (no state shared between silos).</summary>
public sealed class SqliteBlockLogProvider(string dataDirectory) : IBlockLogProvider, IDisposable
{
    private readonly ConcurrentDictionary<ulong, Lazy<SqliteBlockLog>> _logs = new();
    private bool _disposed;

    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    public IBlockLog Open(ulong chainId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // Lazy: GetOrAdd may run its factory twice under a race, and each log owns a pool of connections.
        return _logs.GetOrAdd(chainId, id => new Lazy<SqliteBlockLog>(() => new SqliteBlockLog(id, SqliteBlockLog.PathFor(DataDirectory, id)))).Value;
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var log in _logs.Values.Where(log => log.IsValueCreated))
        {
            log.Value.Dispose();
        }
    }
}
