using CsCheck;

namespace Hyperion.Execution.Tests;

internal enum MockOpKind
{
    /// <summary>Reads the key (through the transaction's own writes) and folds the value into the accumulator.</summary>
    Read,

    /// <summary>Writes a value computed from the accumulator, so a stale read changes what is written.</summary>
    Write,

    /// <summary>Writes at a key chosen by the accumulator: the write set itself depends on what was read.</summary>
    WriteAtReadKey,

    /// <summary>Adds a constant affine delta (v * multiplier + addend): order matters when multipliers differ.</summary>
    Delta,

    /// <summary>Adds an amount computed from the accumulator, like a fee that depends on gas used.</summary>
    DeltaFromReads,
}

internal readonly record struct MockOp(MockOpKind Kind, int Key, long Operand, long Multiplier);

/// <summary>
/// A transaction as a little program over a small key universe. Its output is an accumulator of everything it
/// read, so a wrong read version shows in the output and in the values it writes.
/// </summary>
internal sealed record MockTransaction(MockOp[] Ops, bool ThrowingReads, bool SwallowsSuspension, int FailWhenOutputDivisibleBy)
{
    public override string ToString() =>
        $"[{string.Join(' ', Ops.Select(op => $"{op.Kind}:{op.Key}:{op.Operand}:{op.Multiplier}"))}]"
        + (ThrowingReads ? " throwing" : "") + (SwallowsSuspension ? " swallowing" : "") + (FailWhenOutputDivisibleBy > 0 ? $" fail%{FailWhenOutputDivisibleBy}" : "");
}

/// <summary>v → v * Multiplier + Addend, wrapping.</summary>
internal sealed record AffineDelta(long Multiplier, long Addend) : IDeltaOp<long>
{
    public long Apply(long value) => unchecked((value * Multiplier) + Addend);
}

internal sealed class DictionaryPreState : IPreStateReader<int, long>
{
    private readonly IReadOnlyDictionary<int, long> _values;

    public DictionaryPreState(IReadOnlyDictionary<int, long> values)
    {
        _values = values;
    }

    public long Read(int key) => _values.GetValueOrDefault(key, -1L - key);
}

/// <summary>A block of mock transactions; runs any of them against a view.</summary>
internal sealed class MockBlock : ITransactionExecutor<int, long, long>
{
    private readonly int[] _runs;

    public MockBlock(int keyUniverse, IReadOnlyList<MockTransaction> transactions, Dictionary<int, long> preState, int seed, bool jitter = true)
    {
        KeyUniverse = keyUniverse;
        Transactions = transactions;
        PreState = new DictionaryPreState(preState);
        PreStateValues = preState;
        Seed = seed;
        Jitter = jitter;
        _runs = new int[transactions.Count];
    }

    public int KeyUniverse { get; }

    public IReadOnlyList<MockTransaction> Transactions { get; }

    public DictionaryPreState PreState { get; }

    public Dictionary<int, long> PreStateValues { get; }

    public int Seed { get; }

    /// <summary>Spin a little, differently on each run, so that the threads interleave differently.</summary>
    public bool Jitter { get; }

    public int Count => Transactions.Count;

    /// <summary>Keys whose deltas the engine keeps one slot per transaction (the coinbase's balance, in the EVM).</summary>
    public IReadOnlyCollection<int> AccumulatorLocations { get; init; } = [];

    public TransactionResult<int, long, long> Execute(int transactionIndex, IStateView<int, long> view)
    {
        var transaction = Transactions[transactionIndex];
        if (Jitter)
        {
            // Tens of microseconds, so that the workers overlap; now and then give up the core (2 cores, 8 threads).
            var run = Interlocked.Increment(ref _runs[transactionIndex]);
            var roll = Mix(Seed, (transactionIndex * 31) + run);
            Thread.SpinWait(200 + (int)(roll & 0x7ff));
            if ((roll & 0x7000) == 0)
            {
                Thread.Yield();
            }
        }

        if (!transaction.SwallowsSuspension)
        {
            return Run(transactionIndex, transaction, view);
        }

        try
        {
            return Run(transactionIndex, transaction, view);
        }
        catch (TransactionSuspendedException)
        {
            // A careless executor: it swallows the suspension and returns garbage. The engine must ignore it.
            var garbage = new WriteSet<int, long>();
            garbage.Write(0, 123456789);
            return new TransactionResult<int, long, long>(garbage, -1);
        }
    }

    public static long Mix(long accumulator, long value)
    {
        unchecked
        {
            var mixed = (ulong)(accumulator ^ value) * 0x9E3779B97F4A7C15UL;
            return (long)(mixed ^ (mixed >> 29)) + 1;
        }
    }

    private TransactionResult<int, long, long> Run(int transactionIndex, MockTransaction transaction, IStateView<int, long> view)
    {
        var accumulator = Mix(Seed, transactionIndex);
        var writes = new WriteSet<int, long>();
        foreach (var op in transaction.Ops)
        {
            switch (op.Kind)
            {
                case MockOpKind.Read:
                    if (!TryReadOwn(view, writes, op.Key, transaction.ThrowingReads, out var value))
                    {
                        return default;
                    }

                    accumulator = Mix(accumulator, value);
                    break;
                case MockOpKind.Write:
                    writes.Write(op.Key, Mix(accumulator, op.Operand));
                    break;
                case MockOpKind.WriteAtReadKey:
                    writes.Write((int)((ulong)accumulator % (ulong)KeyUniverse), Mix(accumulator, op.Operand));
                    break;
                case MockOpKind.Delta:
                    writes.AddDelta(op.Key, new AffineDelta(op.Multiplier, op.Operand));
                    break;
                case MockOpKind.DeltaFromReads:
                    writes.AddDelta(op.Key, new AffineDelta(1, accumulator & 0xffff));
                    break;
            }
        }

        if (transaction.FailWhenOutputDivisibleBy > 0 && (ulong)accumulator % (ulong)transaction.FailWhenOutputDivisibleBy == 0)
        {
            throw new InvalidOperationException($"Transaction {transactionIndex} fails on its inputs.");
        }

        return new TransactionResult<int, long, long>(writes, accumulator);
    }

    /// <summary>A read that sees the transaction's own writes first, as the EVM's journal would.</summary>
    private static bool TryReadOwn(IStateView<int, long> view, WriteSet<int, long> writes, int key, bool throwingReads, out long value)
    {
        if (writes.TryGet(key, out var own) && !own.IsDelta)
        {
            value = own.Value;
            return true;
        }

        if (throwingReads)
        {
            value = view.Read(key);
        }
        else if (!view.TryRead(key, out value))
        {
            return false;
        }

        if (own.IsDelta)
        {
            value = own.Delta!.Apply(value);
        }

        return true;
    }
}

/// <summary>Random blocks of mock transactions.</summary>
internal static class MockGen
{
    public static Gen<MockOp> Op(int keyUniverse) =>
        Gen.Frequency(
            (5, Gen.Int[0, keyUniverse - 1].Select(key => new MockOp(MockOpKind.Read, key, 0, 1))),
            (3, Gen.Select(Gen.Int[0, keyUniverse - 1], Gen.Long).Select((key, operand) => new MockOp(MockOpKind.Write, key, operand, 1))),
            (1, Gen.Long.Select(operand => new MockOp(MockOpKind.WriteAtReadKey, 0, operand, 1))),
            (2, Gen.Select(Gen.Int[0, keyUniverse - 1], Gen.Long[-1000, 1000], Gen.OneOf(1L, 1L, 3L, -1L))
                .Select((key, addend, multiplier) => new MockOp(MockOpKind.Delta, key, addend, multiplier))),
            (2, Gen.Int[0, keyUniverse - 1].Select(key => new MockOp(MockOpKind.DeltaFromReads, key, 0, 1))));

    public static Gen<MockTransaction> Transaction(int keyUniverse, bool withFailures) =>
        Gen.Select(
            Op(keyUniverse).Array[1, 6],
            Gen.Bool,
            Gen.Int[0, 9].Select(roll => roll == 0),
            withFailures ? Gen.Int[0, 19].Select(roll => roll == 0 ? 7 : 0) : Gen.Const(0))
            .Select((ops, throwingReads, swallows, failModulo) => new MockTransaction(ops, throwingReads, swallows, failModulo));

    public static Gen<MockBlock> Block(int maxTransactions, bool withFailures = false) =>
        Gen.Int[1, 12].SelectMany(keyUniverse =>
            Gen.Select(
                Transaction(keyUniverse, withFailures).List[1, maxTransactions],
                Gen.Long[-1_000_000, 1_000_000].Array[keyUniverse],
                Gen.Int,
                Gen.Int[0, 2])
            .Select((transactions, values, seed, accumulators) => new MockBlock(
                keyUniverse,
                transactions,
                values.Select((value, key) => (key, value)).ToDictionary(pair => pair.key, pair => pair.value),
                seed)
            {
                // A third of the blocks each with none, one or two accumulator keys.
                AccumulatorLocations = [.. Enumerable.Range(0, Math.Min(accumulators, keyUniverse))],
            }));
}
