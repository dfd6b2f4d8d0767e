namespace Hyperion.Execution.Tests;

/// <summary>
/// The read set an execution leaves with its transaction: each read keeps its kind, version and (for a read built from
/// deltas) its value, and a write finds the location it read through the kept hash and then the key.
/// </summary>
public sealed class KeptReadsTests
{
    [Fact]
    public void Each_kind_keeps_its_version_and_only_a_resolved_read_its_value()
    {
        var captured = new CapturedReads<int, long>();
        var locations = Enumerable.Range(0, 5).Select(key => new LocationVersions<int, long>(key, key.GetHashCode())).ToArray();
        captured.CaptureNew(0, CapturedRead<long>.From(VersionedRead<long>.FromStorage(10)), locations[0]);
        captured.CaptureNew(1, CapturedRead<long>.From(VersionedRead<long>.FromVersion(new TransactionVersion(7, 2), 11)), locations[1]);
        captured.CaptureNew(2, CapturedRead<long>.From(VersionedRead<long>.FromDeltas(12)), locations[2]);
        captured.CaptureNew(3, CapturedRead<long>.Fault, locations[3]);
        captured.CaptureNew(4, CapturedRead<long>.From(VersionedRead<long>.FromDeltas(14)), locations[4]);

        var kept = KeptReads<int, long>.From(captured);

        var reads = kept.Reads.ToArray();
        Assert.Equal(
            [CapturedReadKind.Storage, CapturedReadKind.Versioned, CapturedReadKind.Resolved, CapturedReadKind.Faulted, CapturedReadKind.Resolved],
            reads.Select(read => read.Kind));
        Assert.Equal(new TransactionVersion(7, 2), reads[1].Version);
        Assert.Equal([-1, -1, 0, -1, 1], reads.Select(read => read.ValueIndex));
        Assert.Equal(12, kept.ResolvedValue(reads[2]));
        Assert.Equal(14, kept.ResolvedValue(reads[4]));
        Assert.All(reads.Zip(locations), pair => Assert.Same(pair.Second, pair.First.Location));
        Assert.All(reads.Zip(locations), pair => Assert.Equal(pair.Second.Hash, pair.First.Hash));
    }

    [Fact]
    public void A_written_key_finds_its_location_among_reads_whose_hashes_collide()
    {
        var captured = new CapturedReads<Colliding, long>();
        var locations = Enumerable.Range(0, 4).Select(value => new LocationVersions<Colliding, long>(new Colliding(value), Colliding.SameHash)).ToArray();
        foreach (var location in locations)
        {
            captured.CaptureNew(location.Key, CapturedRead<long>.From(VersionedRead<long>.FromStorage(0)), location);
        }

        var kept = KeptReads<Colliding, long>.From(captured);

        Assert.All(locations, location => Assert.Same(location, kept.LocationOf(location.Key)));
        Assert.Null(kept.LocationOf(new Colliding(4)));
    }

    [Fact]
    public void A_key_whose_hash_matches_no_read_is_not_found()
    {
        var captured = new CapturedReads<int, long>();
        captured.CaptureNew(1, CapturedRead<long>.From(VersionedRead<long>.FromStorage(0)), new LocationVersions<int, long>(1, 1.GetHashCode()));

        var kept = KeptReads<int, long>.From(captured);

        Assert.NotNull(kept.LocationOf(1));
        Assert.Null(kept.LocationOf(2));
    }

    /// <summary>A key whose every value has the same hash: only the key comparison tells them apart.</summary>
    private readonly record struct Colliding(int Value)
    {
        public const int SameHash = 7;

        public override int GetHashCode() => SameHash;
    }
}
