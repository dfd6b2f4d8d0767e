using System.Buffers.Binary;
using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.Evm;

/// <summary>Where CREATE and CREATE2 put a new contract.</summary>
public static class ContractAddress
{
    /// <summary>CREATE: the last 20 bytes of keccak(rlp([sender, nonce])).</summary>
    public static Address From(in Address sender, ulong nonce)
    {
        // rlp([sender, nonce]) is at most 1 + 21 + 9 bytes, so the list header is a single byte.
        Span<byte> buffer = stackalloc byte[32];
        buffer[1] = 0x80 + Address.Length;
        sender.Bytes.CopyTo(buffer[2..]);
        var length = 2 + Address.Length;
        if (nonce == 0)
        {
            buffer[length++] = 0x80;
        }
        else if (nonce < 0x80)
        {
            buffer[length++] = (byte)nonce;
        }
        else
        {
            Span<byte> nonceBytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(nonceBytes, nonce);
            var skip = System.Numerics.BitOperations.LeadingZeroCount(nonce) / 8;
            buffer[length++] = (byte)(0x80 + 8 - skip);
            nonceBytes[skip..].CopyTo(buffer[length..]);
            length += 8 - skip;
        }

        buffer[0] = (byte)(0xc0 + length - 1);
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Compute(buffer[..length], hash);
        return new Address(hash[12..]);
    }

    /// <summary>CREATE2 (EIP-1014): the last 20 bytes of keccak(0xff ‖ sender ‖ salt ‖ keccak(initCode)).</summary>
    public static Address From(in Address sender, in UInt256 salt, ReadOnlySpan<byte> initCode)
    {
        Span<byte> buffer = stackalloc byte[1 + Address.Length + 32 + 32];
        buffer[0] = 0xff;
        sender.Bytes.CopyTo(buffer[1..]);
        salt.WriteBigEndian(buffer[(1 + Address.Length)..]);
        Keccak256.Compute(initCode, buffer[(1 + Address.Length + 32)..]);
        Span<byte> hash = stackalloc byte[32];
        Keccak256.Compute(buffer, hash);
        return new Address(hash[12..]);
    }
}
