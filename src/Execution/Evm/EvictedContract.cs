using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.State;

namespace Hyperion.Execution.Evm;

/// <summary>
/// A contract whose storage and code a snapshot dropped (its fields and storage root stay in the account trie):
/// loaded back through an <see cref="IContractLoader"/> on first need, checked against the storage root and code hash
/// the state has for it, and then kept. Shared by every snapshot made from the one that evicted it, so one load serves
/// them all. Thread-safe: two threads that miss at once may both load, and one result is kept.
/// </summary>
internal sealed class EvictedContract(Address address, Hash256 storageRoot, Hash256 codeHash, IContractLoader loader)
{
    private Contents? _contents;

    public Address Address { get; } = address;

    public Hash256 StorageRoot { get; } = storageRoot;

    public Hash256 CodeHash { get; } = codeHash;

    public bool IsLoaded => Volatile.Read(ref _contents) is not null;

    /// <summary>The storage, loaded if need be (this blocks on the loader).</summary>
    public SnapshotStorage Storage => Resolve().Storage;

    /// <summary>The code, loaded if need be (this blocks on the loader).</summary>
    public byte[] Code => Resolve().Code;

    /// <summary>Keeps contents fetched ahead of need (a prefetch); false when they were already there.</summary>
    public bool Install(ColdContract contract)
    {
        var contents = Check(contract);
        return Interlocked.CompareExchange(ref _contents, contents, null) is null;
    }

    /// <summary>The storage and code that <paramref name="contract"/> gives this contract, checked, without keeping them.</summary>
    public Contents Check(ColdContract contract)
    {
        ArgumentNullException.ThrowIfNull(contract);
        var storage = SnapshotStorage.FromSlots(contract.Slots);
        if (storage.Root != StorageRoot)
        {
            throw new ColdContractMismatchException(
                $"Contract {Address} was loaded with storage root {storage.Root}, but the state has {StorageRoot}.");
        }

        var code = CodeHash == StateAccount.EmptyCodeHash ? [] : contract.Code;
        if (CodeHash != StateAccount.EmptyCodeHash && Keccak256.Compute(code) != CodeHash)
        {
            throw new ColdContractMismatchException(
                $"Contract {Address} was loaded with code of hash {Keccak256.Compute(code)}, but the state has {CodeHash}.");
        }

        return new Contents(storage, code);
    }

    private Contents Resolve()
    {
        if (Volatile.Read(ref _contents) is { } loaded)
        {
            return loaded;
        }

        var contents = Check(loader.Load(Address));
        return Interlocked.CompareExchange(ref _contents, contents, null) ?? contents;
    }

    public sealed record Contents(SnapshotStorage Storage, byte[] Code);
}
