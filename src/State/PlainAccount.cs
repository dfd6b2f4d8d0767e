using Hyperion.Core;

namespace Hyperion.State;

/// <summary>
/// An account written out in full, as genesis allocations and test fixtures give it: nonce, balance,
/// code and every non-zero storage slot (zero slots may be listed; they count as absent).
/// </summary>
public sealed class PlainAccount
{
    private static readonly IReadOnlyDictionary<UInt256, UInt256> NoStorage = new Dictionary<UInt256, UInt256>();

    public ulong Nonce { get; init; }

    public UInt256 Balance { get; init; }

    public ReadOnlyMemory<byte> Code { get; init; }

    public IReadOnlyDictionary<UInt256, UInt256> Storage { get; init; } = NoStorage;
}
