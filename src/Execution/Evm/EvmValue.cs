using Hyperion.Core;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The value of an <see cref="EvmLocation"/>, one struct for every kind so that the multi-version memory holds
/// them unboxed: an account's fields (<see cref="AccountState"/>), a balance, or a storage value with the storage
/// generation it was written in. The code hash of an account shares the word with balances and slots. It holds no
/// reference, on purpose: the read sets and versions of a whole block are arrays of these, which the garbage
/// collector then need not scan, and which copy without write barriers.
/// </summary>
public readonly struct EvmValue : IEquatable<EvmValue>
{
    private const byte ExistsFlag = 1;
    private const byte HasStorageFlag = 2;

    private readonly UInt256 _word;
    private readonly ulong _nonce;
    private readonly int _generation;
    private readonly byte _flags;

    private EvmValue(in UInt256 word, ulong nonce, int generation, byte flags)
    {
        _word = word;
        _nonce = nonce;
        _generation = generation;
        _flags = flags;
    }

    /// <summary>The value of an <see cref="EvmLocationKind.Account"/> location.</summary>
    public AccountState Account => new(
        (_flags & ExistsFlag) != 0,
        _nonce,
        Hash256.FromUInt256(_word),
        (_flags & HasStorageFlag) != 0,
        _generation);

    /// <summary>The value of a <see cref="EvmLocationKind.Balance"/> location.</summary>
    public UInt256 Balance => _word;

    /// <summary>The value of a <see cref="EvmLocationKind.Storage"/> location (valid only in its <see cref="Generation"/>).</summary>
    public UInt256 StorageValue => _word;

    /// <summary>The storage generation a storage value was written in (see <see cref="AccountState.StorageGeneration"/>).</summary>
    public int Generation => _generation;

    public static EvmValue FromAccount(in AccountState account) => new(
        account.CodeHash.ToUInt256(),
        account.Nonce,
        account.StorageGeneration,
        (byte)((account.Exists ? ExistsFlag : 0) | (account.HasStorage ? HasStorageFlag : 0)));

    public static EvmValue FromBalance(in UInt256 balance) => new(balance, 0, 0, 0);

    public static EvmValue FromStorage(in UInt256 value, int generation) => new(value, 0, generation, 0);

    public bool Equals(EvmValue other) =>
        _word == other._word && _nonce == other._nonce && _generation == other._generation && _flags == other._flags;

    public override bool Equals(object? obj) => obj is EvmValue other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_word, _nonce, _generation, _flags);

    public static bool operator ==(EvmValue left, EvmValue right) => left.Equals(right);

    public static bool operator !=(EvmValue left, EvmValue right) => !left.Equals(right);
}
