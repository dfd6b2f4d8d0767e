using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>
/// Everything the EVM reads from the world, and nothing it writes: accounts, code by hash, storage slots
/// and the hashes of recent blocks. Synchronous and small on purpose, like revm's Database trait, so that
/// the state store of a sequential executor, a test fixture, or Block-STM's multi-version memory (which
/// answers as of one transaction index) can each stand behind it. The EVM reads each location at most once
/// per transaction (<see cref="JournaledState"/> caches) and reports what it read in the transaction's
/// <see cref="TransactionReadSet"/>.
/// </summary>
public interface IStateReader
{
    /// <summary>The account at <paramref name="address"/>; false when it does not exist.</summary>
    bool TryGetAccount(in Address address, out AccountInfo account);

    /// <summary>The code whose keccak is <paramref name="codeHash"/> (empty for <see cref="AccountInfo.EmptyCodeHash"/>).</summary>
    byte[] GetCode(in Hash256 codeHash);

    /// <summary>A storage slot; zero when unset or when the account does not exist.</summary>
    UInt256 GetStorage(in Address address, in UInt256 slot);

    /// <summary>The hash of block <paramref name="number"/>; asked only for the 256 blocks before the current one.</summary>
    Hash256 GetBlockHash(ulong number);
}
