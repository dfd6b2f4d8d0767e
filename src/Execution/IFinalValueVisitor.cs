namespace Hyperion.Execution;

/// <summary>Takes a finished block's final values one location at a time (see <see cref="FinalValuesPart{TKey, TValue}"/>).</summary>
public interface IFinalValueVisitor<TKey, TValue>
    where TKey : notnull
{
    /// <param name="key">The location.</param>
    /// <param name="value">Its final value.</param>
    /// <param name="preStateKnown">Whether the location's value before the block is known (some transaction read it).</param>
    /// <param name="preState">That value, when known: what the visitor would otherwise look up in the state again.</param>
    void Visit(in TKey key, in TValue value, bool preStateKnown, in TValue preState);
}
