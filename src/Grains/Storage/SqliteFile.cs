using Microsoft.Data.Sqlite;

namespace Hyperion.Grains.Storage;

/// <summary>
/// One SQLite database file that several silos of one process, and several processes of one machine, may open at
/// once. Each operation takes its own connection (pooled by Microsoft.Data.Sqlite), so readers run beside the
/// writer (WAL), writers queue on SQLite's own file lock, and no state is shared between instances except the file.
/// Work runs on the thread pool: SQLite's API is synchronous, and a commit waits for fsync, which must not hold a
/// grain's scheduler turn.
/// </summary>
internal sealed class SqliteFile : IDisposable
{
    /// <summary>
    /// How long a statement waits for another connection's lock before failing. Generous: a writer in another silo
    /// may be committing a large block, and the alternative to waiting is a failed commit.
    /// </summary>
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly string _schema;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;
    private volatile bool _disposed;

    /// <param name="path">The database file, created with its folder when missing.</param>
    /// <param name="schema">Idempotent statements (CREATE ... IF NOT EXISTS) run once per instance before first use.</param>
    public SqliteFile(string path, string schema)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _schema = schema;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Runs <paramref name="work"/> on a thread-pool thread with an open, configured connection.</summary>
    public async Task<T> RunAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_schemaReady)
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }

        return await Task.Run(
            () =>
            {
                using var connection = Open();
                return work(connection);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task RunAsync(Action<SqliteConnection> work, CancellationToken cancellationToken) =>
        RunAsync(
            connection =>
            {
                work(connection);
                return true;
            },
            cancellationToken);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // Closes this file's idle pooled connections, so that a disposed log holds no file handles. Connections in
        // use by another instance on the same file are closed when returned instead of pooled; nothing else changes.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _schemaGate.Dispose();
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();

            // Per connection (pooled connections keep them, setting them again is cheap): wait for other writers
            // instead of failing at once, and fsync the WAL at every commit, so that a returned commit survives a
            // power cut. NORMAL would be faster, but could lose the last commits, and a committed block is never lost.
            Execute(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = FULL;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await Task.Run(
                () =>
                {
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                    using var connection = Open();

                    // WAL is a property of the file (set once, kept): readers do not block the writer, and a commit is
                    // one append to the log.
                    Execute(connection, "PRAGMA journal_mode = WAL;");
                    using var transaction = connection.BeginTransaction(deferred: false);
                    Execute(connection, _schema, transaction);
                    transaction.Commit();
                },
                cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    public static int Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, transaction, parameters);
        return command.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, transaction, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
