using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperion.Core;

namespace Hyperion.Execution.Evm;

/// <summary>Which part of the world an <see cref="EvmLocation"/> names.</summary>
public enum EvmLocationKind : byte
{
    /// <summary>An account's existence, nonce, code hash and storage generation (everything but the balance).</summary>
    Account,

    /// <summary>
    /// An account's balance, on its own so that lazy credits (fees to the coinbase, plain value transfers) land as
    /// deltas that do not conflict with readers of the nonce or code.
    /// </summary>
    Balance,

    /// <summary>One storage slot of one account.</summary>
    Storage,
}

/// <summary>
/// A location of Ethereum state as Block-STM tracks it: the unit that transactions read and write, and that
/// conflicts are detected on. Accounts are split into <see cref="EvmLocationKind.Account"/> and
/// <see cref="EvmLocationKind.Balance"/> so that fee and transfer deltas never collide with nonce or code reads.
/// Code is not a location: it is addressed by its hash, which the account location holds, so the bytes for a hash
/// never change and live in a <see cref="BlockCodeStore"/>; a read of the code hash is what gets validated.
/// </summary>
public readonly struct EvmLocation : IEquatable<EvmLocation>
{
    // Fields, not auto-properties: the hash reads the address's bytes where they lie, and through a property it read
    // them from a copy made on the stack for every hash (a location is hashed on every first read, claim and write).
    // The kind first: it packs beside the 20-byte address, and the location stays 56 bytes.
    private readonly EvmLocationKind _kind;
    private readonly Address _address;
    private readonly UInt256 _slot;

    private EvmLocation(EvmLocationKind kind, in Address address, in UInt256 slot)
    {
        _kind = kind;
        _address = address;
        _slot = slot;
    }

    public EvmLocationKind Kind => _kind;

    public Address Address => _address;

    /// <summary>The storage slot (zero for the other kinds).</summary>
    public UInt256 Slot => _slot;

    public static EvmLocation Account(in Address address) => new(EvmLocationKind.Account, address, default);

    public static EvmLocation Balance(in Address address) => new(EvmLocationKind.Balance, address, default);

    public static EvmLocation Storage(in Address address, in UInt256 slot) => new(EvmLocationKind.Storage, address, slot);

    public bool Equals(EvmLocation other) =>
        _kind == other._kind && _slot.U0 == other._slot.U0 && _slot == other._slot && _address == other._address;

    public override bool Equals(object? obj) => obj is EvmLocation other && Equals(other);

    /// <summary>
    /// Cheap and well spread: addresses and slots are hashes or small numbers, so a few words suffice. One combination of
    /// five words (the address's last four bytes share one with a storage mark), not the address's own hash combined
    /// again: a location is hashed on every first read, every claim and every write, and the nested combination was 2–5%
    /// of a Block-STM worker's time. Still seeded per process (HashCode), so that keys cannot be ground offline to collide.
    /// An account's fields and its balance hash alike on purpose (equality tells them apart): they are read one after the
    /// other, and in the multi-version memory's open-addressed table the second then lies in the slot after the first, in
    /// the cache line its probe has just brought in, instead of a cache miss of its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override int GetHashCode()
    {
        var address = _address.Bytes;
        return HashCode.Combine(
            MemoryMarshal.Read<ulong>(address),
            MemoryMarshal.Read<ulong>(address[8..]),
            MemoryMarshal.Read<uint>(address[16..]) | (_kind == EvmLocationKind.Storage ? 1UL << 32 : 0),
            _slot.U0,
            _slot.U3);
    }

    public static bool operator ==(EvmLocation left, EvmLocation right) => left.Equals(right);

    public static bool operator !=(EvmLocation left, EvmLocation right) => !left.Equals(right);

    public override string ToString() => Kind switch
    {
        EvmLocationKind.Account => $"account {Address}",
        EvmLocationKind.Balance => $"balance {Address}",
        _ => $"storage {Address}[{Slot}]",
    };
}
