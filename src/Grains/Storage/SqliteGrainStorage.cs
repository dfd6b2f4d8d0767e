using System.Globalization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Hyperion.Grains.Storage;

/// <summary>
/// Orleans grain storage in a SQLite file under the data folder (<c>&lt;data&gt;/grains/state.db</c>), shared by
/// the silos of one machine. A row per (service, state name, grain) holds the serialized state and a version that is
/// the etag: every write and clear is conditional on it, so a write from a stale activation throws
/// <see cref="InconsistentStateException"/>. A clear keeps the row (no state, next version) rather than deleting it,
/// so that a version number is never reused and an etag from before the clear cannot match again.
/// </summary>
public sealed class SqliteGrainStorage : IGrainStorage, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS grain_state (
            service_id TEXT NOT NULL,
            state_name TEXT NOT NULL,
            grain_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            data BLOB NULL,
            PRIMARY KEY (service_id, state_name, grain_id)) WITHOUT ROWID;
        """;

    private const string KeyCondition = "service_id = $service AND state_name = $state AND grain_id = $grain";

    private readonly SqliteFile _file;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly string _serviceId;

    public SqliteGrainStorage(string path, string serviceId, IGrainStorageSerializer serializer, IActivatorProvider activators)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(activators);
        _file = new SqliteFile(path, Schema);
        _serviceId = serviceId;
        _serializer = serializer;
        _activators = activators;
    }

    /// <summary>Where the grain state of a data folder lives.</summary>
    public static string PathFor(string dataDirectory) => Path.Combine(dataDirectory, "grains", "state.db");

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var grain = grainId.ToString();
        var (version, data) = await _file.RunAsync(
            connection =>
            {
                using var command = SqliteFile.Command(connection, $"SELECT version, data FROM grain_state WHERE {KeyCondition}", null, Key(stateName, grain));
                using var reader = command.ExecuteReader();
                return reader.Read()
                    ? ((long?)reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1))
                    : ((long?)null, (byte[]?)null);
            },
            CancellationToken.None).ConfigureAwait(false);

        var state = data is null ? default : _serializer.Deserialize<T>(new BinaryData(data));
        grainState.State = state ?? CreateInstance<T>();
        grainState.RecordExists = state is not null;
        grainState.ETag = version?.ToString(CultureInfo.InvariantCulture);
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var data = _serializer.Serialize(grainState.State).ToArray();
        var version = await ReplaceAsync(stateName, grainId, grainState.ETag, data, "write").ConfigureAwait(false);
        grainState.ETag = version?.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var version = await ReplaceAsync(stateName, grainId, grainState.ETag, data: null, "clear").ConfigureAwait(false);
        grainState.ETag = version?.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = false;
        grainState.State = CreateInstance<T>();
    }

    public void Dispose() => _file.Dispose();

    /// <summary>
    /// Stores <paramref name="data"/> (null: cleared) if the row's version is still <paramref name="etag"/> (null: no
    /// row yet), and returns the new version; throws <see cref="InconsistentStateException"/> otherwise.
    /// </summary>
    private Task<long?> ReplaceAsync(string stateName, GrainId grainId, string? etag, byte[]? data, string operation)
    {
        var grain = grainId.ToString();
        long? expected = null;
        if (etag is not null)
        {
            expected = long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new InconsistentStateException($"Grain storage {operation} of {stateName} for {grain}: '{etag}' is not an etag of this storage.", null, etag);
        }

        return _file.RunAsync(
            connection =>
            {
                int changed;
                long? version;
                if (expected is null)
                {
                    // Clearing what was never written is already done; the next version starts at 1.
                    if (data is null && SqliteFile.Scalar(connection, $"SELECT 1 FROM grain_state WHERE {KeyCondition}", null, Key(stateName, grain)) is null)
                    {
                        return null;
                    }

                    version = 1;
                    changed = SqliteFile.Execute(
                        connection,
                        "INSERT INTO grain_state (service_id, state_name, grain_id, version, data) VALUES ($service, $state, $grain, 1, $data) ON CONFLICT DO NOTHING",
                        null,
                        [.. Key(stateName, grain), ("$data", data)]);
                }
                else
                {
                    version = expected + 1;
                    changed = SqliteFile.Execute(
                        connection,
                        $"UPDATE grain_state SET version = version + 1, data = $data WHERE {KeyCondition} AND version = $version",
                        null,
                        [.. Key(stateName, grain), ("$data", data), ("$version", expected)]);
                }

                if (changed == 0)
                {
                    var stored = SqliteFile.Scalar(connection, $"SELECT version FROM grain_state WHERE {KeyCondition}", null, Key(stateName, grain)) as long?;
                    var storedEtag = stored?.ToString(CultureInfo.InvariantCulture);
                    throw new InconsistentStateException(
                        $"Grain storage {operation} of {stateName} for {grain}: the stored etag is {storedEtag ?? "none"}, the activation had {etag ?? "none"}.",
                        storedEtag,
                        etag);
                }

                return version;
            },
            CancellationToken.None);
    }

    private (string Name, object? Value)[] Key(string stateName, string grain) =>
        [("$service", _serviceId), ("$state", stateName), ("$grain", grain)];

    private T CreateInstance<T>() => _activators.GetActivator<T>().Create();
}
