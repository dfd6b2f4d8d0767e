namespace Hyperion.Execution;

/// <summary>
/// One worker's part of a finished block's final values (the locations whose partition hashes fall in
/// <see cref="Part"/> of <see cref="Parts"/>), read straight from the multi-version memory when walked: an executor
/// that turns them into its own changes (<see cref="ITransactionExecutor{TKey, TValue, TOutput}.CompleteFinalPart"/>)
/// need not have them collected into a dictionary first.
/// </summary>
public readonly struct FinalValuesPart<TKey, TValue>
    where TKey : notnull
{
    private readonly MultiVersionMemory<TKey, TValue> _memory;

    internal FinalValuesPart(MultiVersionMemory<TKey, TValue> memory, int part, int parts)
    {
        _memory = memory;
        Part = part;
        Parts = parts;
    }

    public int Part { get; }

    public int Parts { get; }

    /// <summary>Hands every final value of the part to <paramref name="visitor"/>.</summary>
    public void ForEach<TVisitor>(ref TVisitor visitor)
        where TVisitor : struct, IFinalValueVisitor<TKey, TValue> => _memory.VisitFinalValues(Part, Parts, ref visitor);
}
