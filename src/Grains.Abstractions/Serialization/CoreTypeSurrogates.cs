using Hyperion.Core;

namespace Hyperion.Grains.Abstractions.Serialization;

// Core knows nothing of Orleans (DESIGN.md: nothing below Grains references it), so its value types cross grain
// boundaries through these surrogates: fixed-size fields, no allocation beyond the copy itself.

[GenerateSerializer, Alias("hyperion.address")]
public struct AddressSurrogate
{
    [Id(0)] public ulong A;
    [Id(1)] public ulong B;
    [Id(2)] public uint C;
}

[RegisterConverter]
public sealed class AddressSurrogateConverter : IConverter<Address, AddressSurrogate>
{
    public Address ConvertFromSurrogate(in AddressSurrogate surrogate)
    {
        Span<byte> bytes = stackalloc byte[Address.Length];
        BitConverter.TryWriteBytes(bytes, surrogate.A);
        BitConverter.TryWriteBytes(bytes[8..], surrogate.B);
        BitConverter.TryWriteBytes(bytes[16..], surrogate.C);
        return new Address(bytes);
    }

    public AddressSurrogate ConvertToSurrogate(in Address value)
    {
        var bytes = value.Bytes;
        return new AddressSurrogate
        {
            A = BitConverter.ToUInt64(bytes),
            B = BitConverter.ToUInt64(bytes[8..]),
            C = BitConverter.ToUInt32(bytes[16..]),
        };
    }
}

[GenerateSerializer, Alias("hyperion.hash256")]
public struct Hash256Surrogate
{
    [Id(0)] public ulong A;
    [Id(1)] public ulong B;
    [Id(2)] public ulong C;
    [Id(3)] public ulong D;
}

[RegisterConverter]
public sealed class Hash256SurrogateConverter : IConverter<Hash256, Hash256Surrogate>
{
    public Hash256 ConvertFromSurrogate(in Hash256Surrogate surrogate)
    {
        Span<byte> bytes = stackalloc byte[Hash256.Length];
        BitConverter.TryWriteBytes(bytes, surrogate.A);
        BitConverter.TryWriteBytes(bytes[8..], surrogate.B);
        BitConverter.TryWriteBytes(bytes[16..], surrogate.C);
        BitConverter.TryWriteBytes(bytes[24..], surrogate.D);
        return new Hash256(bytes);
    }

    public Hash256Surrogate ConvertToSurrogate(in Hash256 value)
    {
        var bytes = value.Bytes;
        return new Hash256Surrogate
        {
            A = BitConverter.ToUInt64(bytes),
            B = BitConverter.ToUInt64(bytes[8..]),
            C = BitConverter.ToUInt64(bytes[16..]),
            D = BitConverter.ToUInt64(bytes[24..]),
        };
    }
}

[GenerateSerializer, Alias("hyperion.uint256")]
public struct UInt256Surrogate
{
    [Id(0)] public ulong U0;
    [Id(1)] public ulong U1;
    [Id(2)] public ulong U2;
    [Id(3)] public ulong U3;
}

[RegisterConverter]
public sealed class UInt256SurrogateConverter : IConverter<UInt256, UInt256Surrogate>
{
    public UInt256 ConvertFromSurrogate(in UInt256Surrogate surrogate) => new(surrogate.U0, surrogate.U1, surrogate.U2, surrogate.U3);

    public UInt256Surrogate ConvertToSurrogate(in UInt256 value) =>
        new() { U0 = value.U0, U1 = value.U1, U2 = value.U2, U3 = value.U3 };
}
