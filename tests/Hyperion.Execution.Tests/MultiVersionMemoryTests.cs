using CsCheck;

namespace Hyperion.Execution.Tests;

/// <summary>
/// The multi-version memory against a plain model: per transaction, its last write set and whether it is an
/// estimate; a read scans the transactions below the reader from the top. Random sequences of records,
/// estimates, reads and validations must answer alike.
/// </summary>
public sealed class MultiVersionMemoryTests
{
    private const int Transactions = 8;

    private enum Step
    {
        Record,
        Estimate,
        Read,
        Validate,
    }

    private static readonly Gen<(Step Step, int Transaction, int Key, int Seed)> Steps =
        Gen.Select(Gen.Frequency((3, Gen.Const(Step.Record)), (1, Gen.Const(Step.Estimate)), (4, Gen.Const(Step.Read)), (2, Gen.Const(Step.Validate))), Gen.Int[0, Transactions - 1], Gen.Int[0, 4], Gen.Int);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_and_validations_match_a_dictionary_model(bool accumulators)
    {
        // With accumulators, keys 0 and 1 keep their deltas one slot per transaction: the same answers are expected.
        int[] accumulatorLocations = accumulators ? [0, 1] : [];
        Gen.Select(Steps.List[1, 80], Gen.Long[-100, 100].Array[5]).Sample(
            (steps, preValues) =>
            {
                var preState = new DictionaryPreState(preValues.Select((value, key) => (key, value)).ToDictionary(p => p.key, p => p.value));
                var memory = new MultiVersionMemory<int, long>(Transactions, preState, accumulatorLocations: accumulatorLocations);
                var model = new Model(preState);
                // Each read twice: as a captured set (validated by key) and as a worker keeps it (with the location's versions).
                var captured = new List<(int Reader, CapturedReads<int, long> Reads, KeptReads<int, long> Kept)>();
                foreach (var (step, transaction, key, seed) in steps)
                {
                    switch (step)
                    {
                        case Step.Record:
                            {
                                var writes = RandomWrites(seed);
                                var version = new TransactionVersion(transaction, model.NextIncarnation(transaction));
                                Assert.Equal(model.Record(version, writes), memory.Record(version, writes));
                                break;
                            }

                        case Step.Estimate:
                            memory.ConvertWritesToEstimates(transaction);
                            model.Estimate(transaction);
                            break;
                        case Step.Read:
                            {
                                var expected = model.Read(key, transaction);
                                var actual = memory.Read(key, transaction);
                                Assert.Equal(expected.Kind, actual.Kind);
                                if (expected.Kind == VersionedReadKind.Dependency)
                                {
                                    Assert.Equal(expected.BlockingTransaction, actual.BlockingTransaction);
                                    break;
                                }

                                Assert.Equal(expected.Value, actual.Value);
                                if (expected.Kind == VersionedReadKind.Versioned)
                                {
                                    Assert.Equal(expected.Version, actual.Version);
                                }

                                var reads = new CapturedReads<int, long>();
                                reads.Capture(key, CapturedRead<long>.From(actual));
                                var located = new CapturedReads<int, long>();
                                located.CaptureNew(key, CapturedRead<long>.From(actual), memory.Locate(key));
                                captured.Add((transaction, reads, KeptReads<int, long>.From(located)));
                                break;
                            }

                        case Step.Validate when captured.Count > 0:
                            {
                                var (reader, reads, kept) = captured[(int)((uint)seed % (uint)captured.Count)];
                                var expected = model.Validate(reader, reads);
                                Assert.Equal(expected, memory.ValidateReadSet(reader, reads));
                                Assert.Equal(expected, memory.ValidateReadSet(reader, kept));
                                break;
                            }
                    }
                }

                // Once every transaction has its last write in place, the final values are the model's read above all.
                for (var index = 0; index < Transactions; index++)
                {
                    if (model.IsEstimate(index))
                    {
                        var version = new TransactionVersion(index, model.NextIncarnation(index));
                        var writes = RandomWrites(index);
                        model.Record(version, writes);
                        memory.Record(version, writes);
                    }
                }

                var expectedFinal = model.FinalValues();
                Assert.Equal(expectedFinal.OrderBy(p => p.Key), memory.FinalValues().OrderBy(p => p.Key));

                // Built in parts (as the workers do when a block is done), the final values are the same.
                var parts = new PartitionedDictionary<int, long>([.. Enumerable.Range(0, 3).Select(part => memory.FinalValues(part, 3))]);
                Assert.Equal(expectedFinal.OrderBy(p => p.Key), parts.OrderBy(p => p.Key));
                Assert.All(expectedFinal, pair => Assert.Equal(pair.Value, parts[pair.Key]));
            },
            iter: 1500,
            threads: 1);
    }

    [Fact]
    public void A_reader_sees_the_highest_lower_write_never_its_own_or_a_higher_one()
    {
        var memory = new MultiVersionMemory<int, long>(4, new DictionaryPreState(new Dictionary<int, long> { [7] = 70 }));
        memory.Record(new TransactionVersion(1, 0), Writes((7, 71)));
        memory.Record(new TransactionVersion(2, 0), Writes((7, 72)));

        Assert.Equal(VersionedRead<long>.FromStorage(70), memory.Read(7, 0));
        Assert.Equal(VersionedRead<long>.FromStorage(70), memory.Read(7, 1));
        Assert.Equal(VersionedRead<long>.FromVersion(new TransactionVersion(1, 0), 71), memory.Read(7, 2));
        Assert.Equal(VersionedRead<long>.FromVersion(new TransactionVersion(2, 0), 72), memory.Read(7, 3));

        memory.ConvertWritesToEstimates(2);
        Assert.Equal(VersionedRead<long>.Blocked(2), memory.Read(7, 3));
        Assert.Equal(VersionedRead<long>.FromVersion(new TransactionVersion(1, 0), 71), memory.Read(7, 2));
    }

    [Fact]
    public void Deltas_apply_in_transaction_order_over_their_base_and_are_validated_by_value()
    {
        var memory = new MultiVersionMemory<int, long>(5, new DictionaryPreState(new Dictionary<int, long> { [0] = 10 }));
        var timesThree = new WriteSet<int, long>();
        timesThree.AddDelta(0, new AffineDelta(3, 0));
        var plusOne = new WriteSet<int, long>();
        plusOne.AddDelta(0, new AffineDelta(1, 1));
        memory.Record(new TransactionVersion(0, 0), timesThree);
        memory.Record(new TransactionVersion(2, 0), plusOne);

        // (10 * 3) + 1, not (10 + 1) * 3.
        var read = memory.Read(0, 3);
        Assert.Equal(VersionedRead<long>.FromDeltas(31), read);
        var reads = new CapturedReads<int, long>();
        reads.Capture(0, CapturedRead<long>.From(read));
        Assert.True(memory.ValidateReadSet(3, reads));

        // A plain write between them becomes the base.
        memory.Record(new TransactionVersion(1, 0), Writes((0, 100)));
        Assert.Equal(VersionedRead<long>.FromDeltas(101), memory.Read(0, 3));
        Assert.False(memory.ValidateReadSet(3, reads));

        // The same value by another route still validates: deltas are checked by value.
        memory.Record(new TransactionVersion(1, 1), Writes((0, 30)));
        Assert.True(memory.ValidateReadSet(3, reads));

        // An estimate anywhere under the deltas blocks the read.
        memory.ConvertWritesToEstimates(1);
        Assert.Equal(VersionedRead<long>.Blocked(1), memory.Read(0, 3));
        Assert.False(memory.ValidateReadSet(3, reads));
    }

    [Fact]
    public void A_new_incarnation_drops_the_locations_it_no_longer_writes_and_reports_new_ones()
    {
        var memory = new MultiVersionMemory<int, long>(3, new DictionaryPreState(new Dictionary<int, long>()));

        // New locations, but nobody above has read them: nothing above can have read past them.
        Assert.False(memory.Record(new TransactionVersion(0, 0), Writes((1, 11), (2, 12))));
        Assert.False(memory.Record(new TransactionVersion(0, 1), Writes((1, 21))));
        Assert.Equal(VersionedRead<long>.FromStorage(-3), memory.Read(2, 1));

        // Transaction 1 read location 3 below any write: a write of 0's there is new and read past.
        Assert.Equal(VersionedRead<long>.FromStorage(-4), memory.Read(3, 1));
        Assert.True(memory.Record(new TransactionVersion(0, 2), Writes((1, 31), (3, 33))));

        // Only a reader above counts: transaction 2's new write of location 3 was read by 1, below it.
        Assert.False(memory.Record(new TransactionVersion(2, 0), Writes((3, 43))));
        Assert.Equal([new KeyValuePair<int, long>(1, 31), new KeyValuePair<int, long>(3, 43)], memory.FinalValues().OrderBy(p => p.Key));
    }

    [Fact]
    public void Write_sets_fold_a_transactions_operations_on_one_location()
    {
        var writes = new WriteSet<int, long>();
        writes.AddDelta(0, new AffineDelta(2, 0));
        writes.AddDelta(0, new AffineDelta(1, 5));
        Assert.True(writes.TryGet(0, out var chained));
        Assert.Equal(25, chained.ApplyTo(10));

        writes.Write(1, 7);
        writes.AddDelta(1, new AffineDelta(3, 0));
        Assert.True(writes.TryGet(1, out var folded));
        Assert.False(folded.IsDelta);
        Assert.Equal(21, folded.Value);

        writes.Write(0, 4);
        Assert.True(writes.TryGet(0, out var replaced));
        Assert.Equal(WriteOp<long>.Write(4), replaced);
    }

    private static WriteSet<int, long> Writes(params (int Key, long Value)[] values)
    {
        var writes = new WriteSet<int, long>();
        foreach (var (key, value) in values)
        {
            writes.Write(key, value);
        }

        return writes;
    }

    /// <summary>A write set derived from a seed: up to three keys of five, each a value or a delta.</summary>
    private static WriteSet<int, long> RandomWrites(int seed)
    {
        var random = new Random(seed);
        var writes = new WriteSet<int, long>();
        for (var count = random.Next(4); count > 0; count--)
        {
            var key = random.Next(5);
            if (random.Next(3) == 0)
            {
                writes.AddDelta(key, new AffineDelta(random.Next(2) == 0 ? 1 : 3, random.Next(-50, 50)));
            }
            else
            {
                writes.Write(key, random.Next(-1000, 1000));
            }
        }

        return writes;
    }

    /// <summary>The obvious implementation: a list of transactions scanned from the top.</summary>
    private sealed class Model
    {
        private readonly DictionaryPreState _preState;
        private readonly Dictionary<int, (int Incarnation, WriteSet<int, long> Writes, bool Estimate)> _transactions = [];

        // The highest transaction that read each key (reads, not validations).
        private readonly Dictionary<int, int> _highestReaders = [];

        public Model(DictionaryPreState preState)
        {
            _preState = preState;
        }

        public int NextIncarnation(int transaction) => _transactions.TryGetValue(transaction, out var last) ? last.Incarnation + 1 : 0;

        public bool IsEstimate(int transaction) => _transactions.TryGetValue(transaction, out var last) && last.Estimate;

        /// <summary>Whether it wrote a location its previous incarnation did not, which a transaction above has read.</summary>
        public bool Record(TransactionVersion version, WriteSet<int, long> writes)
        {
            var previous = _transactions.TryGetValue(version.TransactionIndex, out var last) ? last.Writes : null;
            _transactions[version.TransactionIndex] = (version.Incarnation, writes, false);
            foreach (var (key, _) in writes)
            {
                if ((previous is null || !previous.ContainsKey(key))
                    && _highestReaders.TryGetValue(key, out var highest) && highest > version.TransactionIndex)
                {
                    return true;
                }
            }

            return false;
        }

        public void Estimate(int transaction)
        {
            if (_transactions.TryGetValue(transaction, out var last))
            {
                _transactions[transaction] = last with { Estimate = true };
            }
        }

        public VersionedRead<long> Read(int key, int reader)
        {
            _highestReaders[key] = Math.Max(reader, _highestReaders.GetValueOrDefault(key, -1));
            var deltas = new List<IDeltaOp<long>>();
            for (var writer = reader - 1; writer >= 0; writer--)
            {
                if (!_transactions.TryGetValue(writer, out var entry) || !entry.Writes.TryGet(key, out var operation))
                {
                    continue;
                }

                if (entry.Estimate)
                {
                    return VersionedRead<long>.Blocked(writer);
                }

                if (operation.Delta is { } delta)
                {
                    deltas.Add(delta);
                    continue;
                }

                return deltas.Count == 0
                    ? VersionedRead<long>.FromVersion(new TransactionVersion(writer, entry.Incarnation), operation.Value)
                    : VersionedRead<long>.FromDeltas(ApplyInOrder(operation.Value, deltas));
            }

            return deltas.Count == 0
                ? VersionedRead<long>.FromStorage(_preState.Read(key))
                : VersionedRead<long>.FromDeltas(ApplyInOrder(_preState.Read(key), deltas));
        }

        public bool Validate(int reader, CapturedReads<int, long> reads)
        {
            foreach (var (key, captured) in reads)
            {
                var now = Read(key, reader);
                var same = captured.Kind switch
                {
                    CapturedReadKind.Storage => now.Kind == VersionedReadKind.Storage,
                    CapturedReadKind.Versioned => now.Kind == VersionedReadKind.Versioned && now.Version == captured.Version,
                    CapturedReadKind.Resolved => now.Kind != VersionedReadKind.Dependency && now.Value == captured.Value,
                    _ => false,
                };
                if (!same)
                {
                    return false;
                }
            }

            return true;
        }

        public Dictionary<int, long> FinalValues()
        {
            var keys = _transactions.Values.SelectMany(entry => EnumerateKeys(entry.Writes)).Distinct();
            return keys.ToDictionary(key => key, key => Read(key, Transactions).Value);
        }

        private static List<int> EnumerateKeys(WriteSet<int, long> writes)
        {
            var keys = new List<int>();
            foreach (var (key, _) in writes)
            {
                keys.Add(key);
            }

            return keys;
        }

        /// <summary>The deltas were collected from the top down; they apply from the bottom up.</summary>
        private static long ApplyInOrder(long value, List<IDeltaOp<long>> deltasFromTheTop)
        {
            for (var index = deltasFromTheTop.Count - 1; index >= 0; index--)
            {
                value = deltasFromTheTop[index].Apply(value);
            }

            return value;
        }
    }
}
