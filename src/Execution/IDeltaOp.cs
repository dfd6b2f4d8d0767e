namespace Hyperion.Execution;

/// <summary>
/// A lazy (commutative-in-spirit) update of one location, such as "add the fee to the coinbase balance": the
/// transaction writes the operation instead of reading the value and writing the result, so transactions that
/// only add to the same location do not conflict (RISE pevm's lazy balance updates). The multi-version memory
/// keeps the operations of all transactions and applies them in transaction order whenever somebody reads the
/// location, which gives exactly the value that sequential execution would.
/// </summary>
/// <remarks>
/// <see cref="Apply"/> must be pure (the same input gives the same output, from any thread, any number of
/// times: validations apply it again) and should be total: speculative executions may apply it to values that
/// never exist in the final state, so overflow and underflow rules (wrapping, saturating, a flag in the value)
/// belong in the value, not in an exception.
/// </remarks>
public interface IDeltaOp<TValue>
{
    TValue Apply(TValue value);
}
