namespace Hyperion.Execution;

/// <summary>Two deltas that one transaction wrote to the same location, applied in the order it wrote them.</summary>
internal sealed class DeltaSequence<TValue> : IDeltaOp<TValue>
{
    private readonly IDeltaOp<TValue> _first;
    private readonly IDeltaOp<TValue> _second;

    public DeltaSequence(IDeltaOp<TValue> first, IDeltaOp<TValue> second)
    {
        _first = first;
        _second = second;
    }

    public TValue Apply(TValue value) => _second.Apply(_first.Apply(value));
}
