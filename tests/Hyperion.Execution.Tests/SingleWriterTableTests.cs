namespace Hyperion.Execution.Tests;

public sealed class SingleWriterTableTests
{
    [Fact]
    public void Keys_are_found_with_their_last_value_across_growth()
    {
        var table = new SingleWriterTable<long, long>(capacity: 16);
        for (long key = 0; key < 5_000; key++)
        {
            table.Set(key, Hash(key), key * 2);
        }

        for (long key = 0; key < 5_000; key += 2)
        {
            table.Set(key, Hash(key), key * 3);
        }

        Assert.Equal(5_000, table.Count);
        for (long key = 0; key < 5_000; key++)
        {
            Assert.True(table.TryGetValue(key, Hash(key), out var value));
            Assert.Equal(key % 2 == 0 ? key * 3 : key * 2, value);
        }

        Assert.False(table.TryGetValue(5_000, Hash(5_000), out _));
    }

    [Fact]
    public void Get_or_add_adds_a_key_once_and_its_reference_writes_the_value_across_growth()
    {
        var table = new SingleWriterTable<long, long>(capacity: 16);
        for (long key = 0; key < 1_000; key++)
        {
            ref var value = ref table.GetOrAdd(key, Hash(key), out var added);
            Assert.True(added);
            Assert.Equal(0, value);
            value = key + 1;
        }

        for (long key = 0; key < 1_000; key++)
        {
            ref var value = ref table.GetOrAdd(key, Hash(key), out var added);
            Assert.False(added);
            Assert.Equal(key + 1, value);
            value *= 2;
        }

        Assert.Equal(1_000, table.Count);
        var seen = 0;
        foreach (var (key, value) in table)
        {
            Assert.Equal((key + 1) * 2, value);
            seen++;
        }

        Assert.Equal(1_000, seen);
    }

    [Fact]
    public void A_reset_forgets_every_key()
    {
        var table = new SingleWriterTable<long, long>(capacity: 64);
        for (long key = 0; key < 20; key++)
        {
            table.Set(key, Hash(key), key);
        }

        table.Reset();
        Assert.Equal(0, table.Count);
        for (long key = 0; key < 20; key++)
        {
            Assert.False(table.TryGetValue(key, Hash(key), out _));
        }

        // Keys added after the reset reuse the entries the old ones filled and are found there.
        table.Set(7, Hash(7), 70);
        Assert.True(table.TryGetValue(7, Hash(7), out var seven));
        Assert.Equal(70, seven);
        Assert.False(table.TryGetValue(8, Hash(8), out _));
    }

    /// <summary>
    /// A reader beside the writer (growth included) never finds a key with a value that was not written for it, and
    /// finds every key whose insertion finished before its lookup began.
    /// </summary>
    [Fact]
    public async Task A_reader_beside_the_writer_sees_only_written_values()
    {
        const long Keys = 100_000;
        var table = new SingleWriterTable<long, long>(capacity: 16);
        long inserted = 0;
        var failures = 0;
        var reader = Task.Run(() =>
        {
            var random = new Random(5);
            while (Volatile.Read(ref inserted) < Keys)
            {
                var done = Volatile.Read(ref inserted);
                var key = random.NextInt64(Keys);
                var found = table.TryGetValue(key, Mixed(key), out var value);
                if ((found && value != key + 1) || (key < done && !found))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        });
        for (long key = 0; key < Keys; key++)
        {
            table.Set(key, Mixed(key), key + 1);
            Volatile.Write(ref inserted, key + 1);
        }

        await reader.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, failures);
    }

    /// <summary>A poor hash on purpose (neighbours collide in runs), so probing and growth are exercised.</summary>
    private static int Hash(long key) => (int)(key / 3);

    /// <summary>Spread, still three keys to a hash: a table this large would otherwise be one long probe run.</summary>
    private static int Mixed(long key) => (int)((ulong)(key / 3) * 0x9E3779B97F4A7C15UL >> 32);
}
