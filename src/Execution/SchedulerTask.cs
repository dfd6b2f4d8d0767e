namespace Hyperion.Execution;

public enum SchedulerTaskKind
{
    /// <summary>Nothing to do right now: ask again (or stop, once the scheduler is done).</summary>
    None,

    /// <summary>Run the version (an incarnation of a transaction).</summary>
    Execution,

    /// <summary>Check the version's read set against the multi-version memory.</summary>
    Validation,
}

/// <summary>A task the scheduler hands to a worker.</summary>
public readonly record struct SchedulerTask(SchedulerTaskKind Kind, TransactionVersion Version)
{
    public static SchedulerTask None => default;

    public static SchedulerTask Execute(int transactionIndex, int incarnation) => new(SchedulerTaskKind.Execution, new(transactionIndex, incarnation));

    public static SchedulerTask Validate(int transactionIndex, int incarnation) => new(SchedulerTaskKind.Validation, new(transactionIndex, incarnation));
}
