namespace Hyperion.Execution.Tests;

/// <summary>
/// The multi-version memory's location table: one instance per key whichever thread adds it first, found again by
/// every thread, through collisions, long probes and the overflow a too-small size hint sends locations to, and
/// split into parts as the workers walk it at the end of a block.
/// </summary>
public sealed class LocationTableTests
{
    [Theory]
    [InlineData(8, 50)]
    [InlineData(8, 5_000)]
    [InlineData(10_000, 5_000)]
    public void Every_key_gets_one_location_that_every_thread_finds(int expected, int keys)
    {
        var table = new LocationTable<int, long>(expected);
        var made = new LocationVersions<int, long>[4][];
        Parallel.For(0, made.Length, thread =>
        {
            made[thread] = new LocationVersions<int, long>[keys];

            // Each thread adds the keys in its own order, so that threads race for the same keys and slots.
            for (var i = 0; i < keys; i++)
            {
                var key = thread % 2 == 0 ? i : keys - 1 - i;
                made[thread][key] = table.GetOrAdd(key);
            }
        });

        for (var key = 0; key < keys; key++)
        {
            var location = table.Find(key);
            Assert.NotNull(location);
            Assert.Equal(key, location.Key);
            Assert.All(made, thread => Assert.Same(location, thread[key]));
        }

        Assert.Null(table.Find(-1));
        Assert.Null(table.Find(keys));

        // The parts hold every key once, each in the part that a partitioned dictionary looks it up in.
        var seen = new HashSet<int>();
        for (var part = 0; part < 3; part++)
        {
            foreach (var location in table.Part(part, 3))
            {
                Assert.Equal(part, PartitionedDictionary<int, long>.PartOf(location.Key, 3));
                Assert.True(seen.Add(location.Key));
            }
        }

        Assert.Equal(keys, seen.Count);

        // Sorted by part (the end of a block, every claim log on its own), the parts hold the same keys; parts of another
        // count still scan.
        var unsorted = Enumerable.Range(0, 7).Select(part => table.Part(part, 7).Select(location => location.Key).Order().ToArray()).ToArray();
        Parallel.For(0, table.ClaimLogCount, log => table.SortClaimsByPart(log, 7));
        for (var part = 0; part < 7; part++)
        {
            Assert.Equal(unsorted[part], table.Part(part, 7).Select(location => location.Key).Order());
        }

        Assert.Equal(keys, Enumerable.Range(0, 3).Sum(part => table.Part(part, 3).Count()));
    }
}
