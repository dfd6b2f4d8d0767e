using Hyperion.Core;

namespace Hyperion.Execution.Evm;

/// <summary>
/// What happened to one account in a block, as final values. <see cref="Deleted"/>: it is gone with its storage.
/// Otherwise its fields are these, its storage was wiped first when <see cref="StorageCleared"/>, and then the
/// slots in <see cref="Storage"/> were set (zero removes a slot).
/// </summary>
public sealed record AccountChange(
    bool Deleted,
    ulong Nonce,
    UInt256 Balance,
    Hash256 CodeHash,
    bool StorageCleared,
    IReadOnlyDictionary<UInt256, UInt256> Storage);
