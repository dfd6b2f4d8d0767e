using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>
/// The bits set in any of a set of addresses, per word: an address with a bit outside them is in none of them, which
/// three compares show. Rules ordinary addresses out before a set lookup where the set is the precompiles (0x00…0n)
/// or a few system addresses.
/// </summary>
internal struct AddressBits
{
    private ulong _bits0;
    private ulong _bits8;
    private uint _bits16;

    public void Add(in Address address)
    {
        var bytes = address.Bytes;
        _bits0 |= MemoryMarshal.Read<ulong>(bytes);
        _bits8 |= MemoryMarshal.Read<ulong>(bytes[8..]);
        _bits16 |= MemoryMarshal.Read<uint>(bytes[16..]);
    }

    /// <summary>False when the address is surely none of those added; true leaves the answer to the set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool MayContain(in Address address)
    {
        var bytes = address.Bytes;
        return (MemoryMarshal.Read<ulong>(bytes) & ~_bits0) == 0
            && (MemoryMarshal.Read<ulong>(bytes[8..]) & ~_bits8) == 0
            && (MemoryMarshal.Read<uint>(bytes[16..]) & ~_bits16) == 0;
    }
}
