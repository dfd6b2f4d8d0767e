using System.Runtime.CompilerServices;
using Hyperion.Core;
using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// The location key every Block-STM read, write and version carries: its size (copied into every read-set entry,
/// write-set entry and location object) and its equality and hash, which tell the kinds and slots of one address apart
/// (all but the account's fields and balance, which share a hash on purpose).
/// </summary>
public sealed class EvmLocationTests
{
    [Fact]
    public void A_location_is_56_bytes_and_a_value_48()
    {
        // A field order that puts the one-byte kind after the slot pads the location to 64 bytes.
        Assert.Equal(56, Unsafe.SizeOf<EvmLocation>());
        Assert.Equal(48, Unsafe.SizeOf<EvmValue>());
    }

    [Fact]
    public void Kinds_and_slots_of_one_address_are_different_locations()
    {
        var address = new Address(Enumerable.Range(1, 20).Select(b => (byte)b).ToArray());
        var other = new Address(Enumerable.Range(2, 20).Select(b => (byte)b).ToArray());
        EvmLocation[] locations =
        [
            EvmLocation.Account(address), EvmLocation.Balance(address), EvmLocation.Storage(address, UInt256.Zero),
            EvmLocation.Storage(address, UInt256.One), EvmLocation.Storage(address, new UInt256(0, 0, 0, 1)), EvmLocation.Account(other),
        ];
        for (var i = 0; i < locations.Length; i++)
        {
            for (var j = 0; j < locations.Length; j++)
            {
                Assert.Equal(i == j, locations[i].Equals(locations[j]));
            }

            var copy = locations[i].Kind switch
            {
                EvmLocationKind.Account => EvmLocation.Account(locations[i].Address),
                EvmLocationKind.Balance => EvmLocation.Balance(locations[i].Address),
                _ => EvmLocation.Storage(locations[i].Address, locations[i].Slot),
            };
            Assert.Equal(locations[i], copy);
            Assert.Equal(locations[i].GetHashCode(), copy.GetHashCode());
        }

        // An account's fields and its balance hash alike (they are read together, and then share a line of the
        // multi-version memory's table); every other pair here differs.
        Assert.Equal(locations[0].GetHashCode(), locations[1].GetHashCode());
        Assert.Equal(locations.Length - 1, locations.Select(location => location.GetHashCode()).Distinct().Count());
    }
}
