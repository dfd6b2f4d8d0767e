namespace Hyperion.Execution;

/// <summary>
/// One execution of one transaction: its index in the block and its incarnation (how many times it had been
/// aborted before this run). A value in the multi-version memory is tagged with the version that wrote it, so
/// a validation can tell whether a read would still see the same write.
/// </summary>
public readonly record struct TransactionVersion(int TransactionIndex, int Incarnation);
