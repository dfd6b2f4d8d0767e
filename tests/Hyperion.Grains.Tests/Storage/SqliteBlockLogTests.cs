using System.Diagnostics;
using Hyperion.Grains.Storage;
using Microsoft.Data.Sqlite;

namespace Hyperion.Grains.Tests.Storage;

/// <summary>The block log contract on SQLite files, each test in a data folder of its own.</summary>
public sealed class SqliteBlockLogTests : BlockLogContractTests
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("hyperion-blocklog-").FullName;

    protected override IBlockLog CreateLog(ulong chainId) => new SqliteBlockLog(chainId, SqliteBlockLog.PathFor(_dataDirectory, chainId));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task The_log_is_a_WAL_file_per_chain_under_the_data_folder()
    {
        using var provider = new SqliteBlockLogProvider(_dataDirectory);
        var log = provider.Open(Chain);
        await log.AppendAsync(TestBlocks.Chain(count: 1, seed: 10)[0]);

        Assert.Same(log, provider.Open(Chain));
        Assert.NotSame(log, provider.Open(Chain + 1));
        var path = Path.Combine(_dataDirectory, "chains", "31337", "blocklog.db");
        Assert.True(File.Exists(path));
        using var file = File.OpenRead(path);
        var header = new byte[20];
        file.ReadExactly(header);

        // Bytes 18 and 19 of a SQLite header are the write and read format versions: 2 means WAL.
        Assert.Equal((byte)2, header[18]);
    }

    [Fact]
    public async Task An_append_waits_for_another_writer_holding_the_file_lock_instead_of_failing()
    {
        // The other writer is a bare connection holding BEGIN IMMEDIATE: the same file lock that a silo in another
        // process takes while it commits a block.
        var blocks = TestBlocks.Chain(count: 2, seed: 11);
        var first = OpenLog();
        var second = OpenLog();
        await first.AppendAsync(blocks[0]);

        var path = SqliteBlockLog.PathFor(_dataDirectory, Chain);
        using var holder = new SqliteConnection($"Data Source={path};Pooling=False");
        holder.Open();
        using var hold = holder.BeginTransaction(deferred: false);
        var append = second.AppendAsync(blocks[1]);
        var watch = Stopwatch.StartNew();
        await Task.Delay(300);
        Assert.False(append.IsCompleted);
        hold.Rollback();
        await append;
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(300));
        Assert.Equal(1UL, await first.GetHeadNumberAsync());
    }
}
