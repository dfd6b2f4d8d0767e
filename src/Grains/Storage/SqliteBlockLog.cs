using System.Globalization;
using Hyperion.Core;
using Microsoft.Data.Sqlite;

namespace Hyperion.Grains.Storage;

/// <summary>
/// The embedded block log: one SQLite file per chain (<c>&lt;data&gt;/chains/&lt;chainId&gt;/blocklog.db</c>), WAL
/// journal, <c>synchronous=FULL</c>, so an append is on disk when its task completes. An append is one
/// <c>BEGIN IMMEDIATE</c> transaction (block row, hash and transaction index rows): the write lock is taken before
/// the head is read, so two writers (silos of this process or other processes) cannot both see the same head, and the
/// primary key on the block number is the last fence should one ever get past that.
/// </summary>
public sealed class SqliteBlockLog : IBlockLog, IDisposable
{
    /// <summary>SQLite's primary result code for a violated constraint.</summary>
    private const int SqliteConstraint = 19;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS blocks (
            number INTEGER PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            parent_hash BLOB NOT NULL,
            transaction_hashes BLOB NOT NULL,
            block BLOB NOT NULL,
            state_changes BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS transactions (
            hash BLOB PRIMARY KEY,
            block_number INTEGER NOT NULL,
            position INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS checkpoints (
            block_number INTEGER PRIMARY KEY,
            state BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS markers (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL) WITHOUT ROWID;
        """;

    private readonly SqliteFile _file;

    public SqliteBlockLog(ulong chainId, string path)
    {
        ChainId = chainId;
        _file = new SqliteFile(path, Schema);
    }

    public ulong ChainId { get; }

    /// <summary>The database file.</summary>
    public string Path => _file.Path;

    /// <summary>Where the log of <paramref name="chainId"/> lives under a data folder.</summary>
    public static string PathFor(string dataDirectory, ulong chainId) =>
        System.IO.Path.Combine(dataDirectory, "chains", chainId.ToString(CultureInfo.InvariantCulture), "blocklog.db");

    public Task AppendAsync(BlockLogEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var number = ToStored(entry.Number);
        var transactionHashes = BlockLogEntryCodec.EncodeHashes(entry.TransactionHashes);
        return _file.RunAsync(
            connection =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                var head = (long?)SqliteFile.Scalar(connection, "SELECT MAX(number) FROM blocks", transaction);
                var expected = head is null ? 0 : head.Value + 1;
                if (number != expected)
                {
                    throw Conflict(entry.Number, head);
                }

                try
                {
                    SqliteFile.Execute(
                        connection,
                        "INSERT INTO blocks (number, hash, parent_hash, transaction_hashes, block, state_changes) VALUES ($n, $h, $p, $t, $b, $s)",
                        transaction,
                        ("$n", number),
                        ("$h", entry.Hash.ToArray()),
                        ("$p", entry.ParentHash.ToArray()),
                        ("$t", transactionHashes),
                        ("$b", entry.Block),
                        ("$s", entry.StateChanges));
                }
                catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint)
                {
                    throw new BlockLogConflictException(
                        $"Chain {ChainId}: block {entry.Number} ({entry.Hash}) conflicts with a block already in the log.", exception);
                }

                // A transaction hash is unique in a valid chain; should one repeat, the index points at its latest
                // occurrence rather than failing a block that is otherwise good.
                using var insert = SqliteFile.Command(
                    connection,
                    "INSERT OR REPLACE INTO transactions (hash, block_number, position) VALUES ($h, $n, $i)",
                    transaction,
                    ("$h", null),
                    ("$n", number),
                    ("$i", 0));
                for (var index = 0; index < entry.TransactionHashes.Count; index++)
                {
                    insert.Parameters["$h"].Value = entry.TransactionHashes[index].ToArray();
                    insert.Parameters["$i"].Value = index;
                    insert.ExecuteNonQuery();
                }

                transaction.Commit();
            },
            cancellationToken);
    }

    public Task<ulong?> GetHeadNumberAsync(CancellationToken cancellationToken = default) =>
        _file.RunAsync(
            connection => SqliteFile.Scalar(connection, "SELECT MAX(number) FROM blocks") is long head ? (ulong?)head : null,
            cancellationToken);

    public Task<BlockLogEntry?> ReadAsync(ulong number, CancellationToken cancellationToken = default)
    {
        if (number > long.MaxValue)
        {
            return Task.FromResult<BlockLogEntry?>(null);
        }

        return _file.RunAsync(
            connection =>
            {
                using var command = SqliteFile.Command(
                    connection,
                    "SELECT hash, parent_hash, transaction_hashes, block, state_changes FROM blocks WHERE number = $n",
                    null,
                    ("$n", (long)number));
                using var reader = command.ExecuteReader();
                if (!reader.Read())
                {
                    return null;
                }

                return new BlockLogEntry(
                    number,
                    new Hash256(reader.GetFieldValue<byte[]>(0)),
                    new Hash256(reader.GetFieldValue<byte[]>(1)),
                    reader.GetFieldValue<byte[]>(3),
                    reader.GetFieldValue<byte[]>(4),
                    BlockLogEntryCodec.DecodeHashes(reader.GetFieldValue<byte[]>(2)));
            },
            cancellationToken);
    }

    public Task<ulong?> FindBlockNumberAsync(Hash256 blockHash, CancellationToken cancellationToken = default) =>
        _file.RunAsync(
            connection => SqliteFile.Scalar(connection, "SELECT number FROM blocks WHERE hash = $h", null, ("$h", blockHash.ToArray())) is long number
                ? (ulong?)number
                : null,
            cancellationToken);

    public Task<TransactionLocation?> FindTransactionAsync(Hash256 transactionHash, CancellationToken cancellationToken = default) =>
        _file.RunAsync(
            connection =>
            {
                using var command = SqliteFile.Command(
                    connection, "SELECT block_number, position FROM transactions WHERE hash = $h", null, ("$h", transactionHash.ToArray()));
                using var reader = command.ExecuteReader();
                return reader.Read() ? new TransactionLocation((ulong)reader.GetInt64(0), reader.GetInt32(1)) : (TransactionLocation?)null;
            },
            cancellationToken);

    /// <inheritdoc/>
    /// <remarks>Only the newest checkpoint is kept; writing one older than it changes nothing.</remarks>
    public Task WriteCheckpointAsync(ulong blockNumber, byte[] state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var number = ToStored(blockNumber);
        return _file.RunAsync(
            connection =>
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                if (SqliteFile.Scalar(connection, "SELECT MAX(block_number) FROM checkpoints", transaction) is long newest && newest > number)
                {
                    return;
                }

                SqliteFile.Execute(
                    connection, "INSERT OR REPLACE INTO checkpoints (block_number, state) VALUES ($n, $s)", transaction, ("$n", number), ("$s", state));
                SqliteFile.Execute(connection, "DELETE FROM checkpoints WHERE block_number < $n", transaction, ("$n", number));
                transaction.Commit();
            },
            cancellationToken);
    }

    public Task<StateCheckpoint?> ReadLatestCheckpointAsync(CancellationToken cancellationToken = default) =>
        _file.RunAsync(
            connection =>
            {
                using var command = SqliteFile.Command(
                    connection, "SELECT block_number, state FROM checkpoints ORDER BY block_number DESC LIMIT 1", null);
                using var reader = command.ExecuteReader();
                return reader.Read() ? new StateCheckpoint((ulong)reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)) : null;
            },
            cancellationToken);

    public Task SetMarkerAsync(string name, ulong value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _file.RunAsync(
            connection => SqliteFile.Execute(
                connection,
                "INSERT INTO markers (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                null,
                ("$name", name),
                ("$value", unchecked((long)value))),
            cancellationToken);
    }

    public Task<ulong?> GetMarkerAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _file.RunAsync(
            connection => SqliteFile.Scalar(connection, "SELECT value FROM markers WHERE name = $name", null, ("$name", name)) is long value
                ? (ulong?)unchecked((ulong)value)
                : null,
            cancellationToken);
    }

    public void Dispose() => _file.Dispose();

    /// <summary>SQLite integers are signed; block numbers beyond 2^63 do not occur, and would sort wrongly.</summary>
    private static long ToStored(ulong blockNumber) =>
        blockNumber <= long.MaxValue
            ? (long)blockNumber
            : throw new ArgumentOutOfRangeException(nameof(blockNumber), blockNumber, "Block numbers above 2^63 - 1 are not supported.");

    private BlockLogConflictException Conflict(ulong number, long? head) =>
        new(head is null
            ? $"Chain {ChainId}: block {number} cannot start the log, which is empty (the first block is 0)."
            : (ulong)head.Value >= number
                ? $"Chain {ChainId}: block {number} is already written (the head is {head})."
                : $"Chain {ChainId}: block {number} does not follow the head {head}.");
}
