using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hyperion.Core;
using Hyperion.Core.Threading;

namespace Hyperion.Grains.Storage;

/// <summary>
/// The block log on Azure Storage. Blocks are blobs (<c>&lt;chainId&gt;/blocks/&lt;number, 20 digits&gt;</c>)
/// created with <c>If-None-Match: *</c>, which is the fence: of two writers for one number exactly one creation
/// succeeds. An append first checks that the previous block exists, so the blocks always form a gap-free prefix and
/// the head is simply the last block that exists (found by probing, cached per instance).
/// <para>
/// The indexes (block hash and transaction hash to number) are table rows written after the block blob, since
/// Azure has no transaction across a blob and table rows. A block whose indexes are complete is marked in its
/// blob's metadata; an append re-indexes the previous block when that mark is missing (a writer that died between
/// the two steps), and so does the first head lookup of an instance, so the indexes of every reported block are
/// complete. Index rows are only ever derived from a block that won its creation, so a losing writer leaves none.
/// </para>
/// <para>The checkpoint is one blob replaced atomically (its block number in its metadata); markers are table rows.</para>
/// </summary>
public sealed class AzureBlockLog : IBlockLog
{
    private const string HashMetadata = "hash";
    private const string IndexedMetadata = "indexed";
    private const string CheckpointBlockMetadata = "block";

    /// <summary>A table transaction holds at most 100 operations.</summary>
    private const int MaxBatchSize = 100;

    private readonly BlobContainerClient _container;
    private readonly TableClient _table;
    private readonly string _prefix;
    private readonly string _partition;
    private volatile bool _initialized;

    /// <summary>The highest block number known to exist (-1: none known). Only a hint: it only ever grows.</summary>
    private long _knownHead = -1;
    private long _headChecked = -1;

    public AzureBlockLog(ulong chainId, BlobContainerClient container, TableClient table)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(table);
        ChainId = chainId;
        _container = container;
        _table = table;
        _partition = chainId.ToString(CultureInfo.InvariantCulture);
        _prefix = _partition + "/";
    }

    public ulong ChainId { get; }

    public async Task AppendAsync(BlockLogEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Number > long.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(entry), entry.Number, "Block numbers above 2^63 - 1 are not supported.");
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        if (entry.Number > 0)
        {
            var previous = entry.Number - 1;
            BlobProperties properties;
            try
            {
                properties = (await BlockBlob(previous).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                var head = await GetHeadNumberAsync(cancellationToken).ConfigureAwait(false);
                throw new BlockLogConflictException(head is null
                    ? $"Chain {ChainId}: block {entry.Number} cannot start the log, which is empty (the first block is 0)."
                    : $"Chain {ChainId}: block {entry.Number} does not follow the head {head}.");
            }

            if (!properties.Metadata.ContainsKey(IndexedMetadata))
            {
                await IndexAsync(previous, cancellationToken).ConfigureAwait(false);
            }
        }

        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            Metadata = new Dictionary<string, string> { [HashMetadata] = entry.Hash.ToString() },
        };
        try
        {
            await BlockBlob(entry.Number).UploadAsync(new BinaryData(BlockLogEntryCodec.Encode(entry)), options, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status is 409 or 412)
        {
            throw new BlockLogConflictException($"Chain {ChainId}: block {entry.Number} is already written.", exception);
        }

        NoteExists((long)entry.Number);
        await WriteIndexesAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ulong?> GetHeadNumberAsync(CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);

        // Blocks form a gap-free prefix, so "exists" is monotone in the number: search upwards from the known head
        // by doubling steps, then bisect. Usually one probe (the block after the known head is missing).
        var low = Interlocked.Read(ref _knownHead);
        var step = 1L;
        var high = low + 1;
        while (await ExistsAsync(high, cancellationToken).ConfigureAwait(false))
        {
            low = high;
            step *= 2;
            high = low + step;
        }

        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (await ExistsAsync(middle, cancellationToken).ConfigureAwait(false))
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        if (low < 0)
        {
            return null;
        }

        NoteExists(low);

        // A writer may have died between creating the head block and indexing it: repair once per head seen.
        if (Interlocked.Exchange(ref _headChecked, low) != low)
        {
            var properties = await BlockBlob((ulong)low).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!properties.Value.Metadata.ContainsKey(IndexedMetadata))
            {
                await IndexAsync((ulong)low, cancellationToken).ConfigureAwait(false);
            }
        }

        return (ulong)low;
    }

    public async Task<BlockLogEntry?> ReadAsync(ulong number, CancellationToken cancellationToken = default)
    {
        if (number > long.MaxValue)
        {
            return null;
        }

        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var content = await BlockBlob(number).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return BlockLogEntryCodec.Decode(content.Value.Content.ToMemory().Span);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    public async Task<ulong?> FindBlockNumberAsync(Hash256 blockHash, CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(_partition, BlockKey(blockHash), ["Block"], cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetInt64("Block") is { } number ? (ulong)number : null;
    }

    public async Task<TransactionLocation?> FindTransactionAsync(Hash256 transactionHash, CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(
            _partition, TransactionKey(transactionHash), ["Block", "Index"], cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetInt64("Block") is { } number && row.Value.GetInt32("Index") is { } index
            ? new TransactionLocation((ulong)number, index)
            : null;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One blob, replaced with a conditional upload (If-Match on the version read), so a reader always gets one
    /// whole checkpoint and its number; writing one older than the stored one changes nothing.
    /// </remarks>
    public async Task WriteCheckpointAsync(ulong blockNumber, byte[] state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient(_prefix + "checkpoint");
        while (true)
        {
            BlobRequestConditions conditions;
            try
            {
                var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
                if (properties.Metadata.TryGetValue(CheckpointBlockMetadata, out var stored)
                    && ulong.Parse(stored, NumberStyles.None, CultureInfo.InvariantCulture) > blockNumber)
                {
                    return;
                }

                conditions = new BlobRequestConditions { IfMatch = properties.ETag };
            }
            catch (RequestFailedException exception) when (exception.Status == 404)
            {
                conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            }

            try
            {
                await blob.UploadAsync(
                    new BinaryData(state),
                    new BlobUploadOptions
                    {
                        Conditions = conditions,
                        Metadata = new Dictionary<string, string> { [CheckpointBlockMetadata] = blockNumber.ToString(CultureInfo.InvariantCulture) },
                    },
                    cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException exception) when (exception.Status is 409 or 412)
            {
                // Another writer replaced it between our read and our write: look again.
            }
        }
    }

    public async Task<StateCheckpoint?> ReadLatestCheckpointAsync(CancellationToken cancellationToken = default)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var content = (await _container.GetBlobClient(_prefix + "checkpoint").DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            var number = ulong.Parse(content.Details.Metadata[CheckpointBlockMetadata], NumberStyles.None, CultureInfo.InvariantCulture);
            return new StateCheckpoint(number, content.Content.ToArray());
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    public async Task SetMarkerAsync(string name, ulong value, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(_partition, MarkerKey(name)) { ["Value"] = unchecked((long)value) };
        await _table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ulong?> GetMarkerAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(_partition, MarkerKey(name), ["Value"], cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetInt64("Value") is { } value ? unchecked((ulong)value) : null;
    }

    private BlobClient BlockBlob(ulong number) =>
        _container.GetBlobClient(_prefix + "blocks/" + number.ToString("D20", CultureInfo.InvariantCulture));

    private async Task<bool> ExistsAsync(long number, CancellationToken cancellationToken) =>
        number >= 0 && (await BlockBlob((ulong)number).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;

    private void NoteExists(long number) => AtomicMax.Raise(ref _knownHead, number);

    /// <summary>Writes the index rows of a committed block (again), then marks the block as indexed.</summary>
    private async Task IndexAsync(ulong number, CancellationToken cancellationToken)
    {
        var entry = await ReadAsync(number, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Chain {ChainId}: block {number} vanished from the log.");
        await WriteIndexesAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteIndexesAsync(BlockLogEntry entry, CancellationToken cancellationToken)
    {
        // Upserts: idempotent, so a repair may repeat them. A transaction hash that repeats within the block (never in
        // a valid chain) keeps its last position, as in the SQLite log; a table transaction refuses duplicate keys.
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal)
        {
            [BlockKey(entry.Hash)] = new TableEntity(_partition, BlockKey(entry.Hash)) { ["Block"] = (long)entry.Number },
        };
        for (var index = 0; index < entry.TransactionHashes.Count; index++)
        {
            var key = TransactionKey(entry.TransactionHashes[index]);
            rows[key] = new TableEntity(_partition, key) { ["Block"] = (long)entry.Number, ["Index"] = index };
        }

        foreach (var batch in rows.Values.Chunk(MaxBatchSize))
        {
            var actions = batch.Select(row => new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
            await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }

        await BlockBlob(entry.Number).SetMetadataAsync(
            new Dictionary<string, string> { [HashMetadata] = entry.Hash.ToString(), [IndexedMetadata] = "1" },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        // Both calls are idempotent, so callers racing through here the first time just repeat them.
        if (!_initialized)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
    }

    private static string BlockKey(Hash256 hash) => "b" + hash.ToString();

    private static string TransactionKey(Hash256 hash) => "t" + hash.ToString();

    /// <summary>Row keys may not hold '/', '\', '#', '?' or control characters: the name goes in as hex.</summary>
    private static string MarkerKey(string name) => "m" + Convert.ToHexString(Encoding.UTF8.GetBytes(name));
}
