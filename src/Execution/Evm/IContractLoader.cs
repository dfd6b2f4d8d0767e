using Hyperion.Core;

namespace Hyperion.Execution.Evm;

/// <summary>
/// Where a <see cref="StateSnapshot"/> gets back the code and storage of a contract it evicted (see
/// <see cref="StateSnapshot.Evict"/>). <see cref="Load"/> blocks: it is called on the thread that needs the contract,
/// a block executor's worker or a thread-pool thread, so an implementation must refuse to run where blocking is not
/// allowed (a grain's scheduler). What it returns is checked against the contract's storage root and code hash.
/// </summary>
public interface IContractLoader
{
    ColdContract Load(in Address address);
}

/// <summary>A contract's code and non-zero slots, as its home outside the snapshot (its contract grain) holds them.</summary>
public sealed record ColdContract(byte[] Code, IReadOnlyList<KeyValuePair<UInt256, UInt256>> Slots);

/// <summary>A loaded contract that does not match the roots the state has for it: the source is behind or ahead of
/// the snapshot. Nothing is cached; the next read tries again.</summary>
public sealed class ColdContractMismatchException(string message) : Exception(message);
