namespace Hyperion.Execution;

/// <summary>Takes a finished block's final values one location at a time (see <see cref="FinalValuesPart{TKey, TValue}"/>).</summary>
public interface IFinalValueVisitor<TKey, TValue>
    where TKey : notnull
{
    void Visit(in TKey key, in TValue value);
}
