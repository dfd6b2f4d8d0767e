namespace Hyperion.Core.Transactions;

/// <summary>One EIP-2930 access-list entry: an address and the storage slots of it that the transaction
/// declares it will touch (warming them at a discount).</summary>
public sealed record AccessListEntry(Address Address, IReadOnlyList<Hash256> StorageKeys);
