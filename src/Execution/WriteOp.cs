namespace Hyperion.Execution;

/// <summary>What a transaction did to one location: wrote a final <see cref="Value"/>, or a <see cref="Delta"/> to apply to whatever is below.</summary>
public readonly record struct WriteOp<TValue>
{
    private WriteOp(in TValue value, IDeltaOp<TValue>? delta)
    {
        Value = value;
        Delta = delta;
    }

    /// <summary>The value written; meaningless when <see cref="IsDelta"/>.</summary>
    public TValue Value { get; }

    /// <summary>The lazy update written, or null for a plain write.</summary>
    public IDeltaOp<TValue>? Delta { get; }

    public bool IsDelta => Delta is not null;

    public static WriteOp<TValue> Write(in TValue value) => new(value, null);

    public static WriteOp<TValue> AddDelta(IDeltaOp<TValue> delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return new(default!, delta);
    }

    /// <summary>The location's value after this operation, given its value before.</summary>
    public TValue ApplyTo(TValue current) => Delta is null ? Value : Delta.Apply(current);
}
