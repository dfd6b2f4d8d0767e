using System.Diagnostics.CodeAnalysis;
using Hyperion.Core;

namespace Hyperion.Evm.Precompiles;

/// <summary>
/// The precompiles active under a fork, by address. Their addresses are warm from the start of every
/// transaction (EIP-2929). The host extends a table with its own precompiles before execution starts;
/// a table is read-only while blocks execute, so it is shared by every worker thread.
/// </summary>
public sealed class PrecompileTable
{
    private readonly Dictionary<Address, IPrecompile> _precompiles = [];

    // An ordinary address is ruled out without a lookup (the standard precompiles are 0x00…0n).
    private AddressBits _bits;

    public IReadOnlyCollection<Address> Addresses => _precompiles.Keys;

    public int Count => _precompiles.Count;

    /// <summary>Adds or replaces the precompile at <paramref name="address"/>.</summary>
    public PrecompileTable With(Address address, IPrecompile precompile)
    {
        ArgumentNullException.ThrowIfNull(precompile);
        _precompiles[address] = precompile;
        _bits.Add(address);
        return this;
    }

    public bool TryGet(in Address address, [NotNullWhen(true)] out IPrecompile? precompile) =>
        _precompiles.TryGetValue(address, out precompile);

    public bool Contains(in Address address) => _bits.MayContain(address) && _precompiles.ContainsKey(address);

    /// <summary>The address 0x00…0n of the n-th standard precompile.</summary>
    public static Address StandardAddress(byte index)
    {
        Span<byte> bytes = stackalloc byte[Address.Length];
        bytes.Clear();
        bytes[^1] = index;
        return new Address(bytes);
    }
}
