namespace Hyperion.Execution;

/// <summary>
/// The state before the block: what a transaction reads when no lower transaction wrote the location.
/// Called from several worker threads at once and possibly more than once per location (validations read again),
/// so it must be thread-safe and return the same value every time during a block. Absence is part of
/// <typeparamref name="TValue"/> (e.g. a default or an "absent" value), decided by the state model.
/// </summary>
public interface IPreStateReader<TKey, TValue>
    where TKey : notnull
{
    TValue Read(TKey key);
}
