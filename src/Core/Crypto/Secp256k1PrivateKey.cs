using System.Security.Cryptography;
using NBitcoin.Secp256k1;

namespace Hyperion.Core.Crypto;

/// <summary>
/// A secp256k1 private key with its public key and Ethereum address computed once. Disposing clears the
/// secret scalar held by the underlying library.
/// </summary>
public sealed class PrivateKey : IDisposable
{
    public const int Length = 32;

    private readonly byte[] _publicKey;

    private PrivateKey(ECPrivKey key)
    {
        Key = key;
        Span<byte> uncompressed = stackalloc byte[65];
        key.CreatePubKey().WriteToSpan(false, uncompressed, out _);
        _publicKey = uncompressed[1..].ToArray();
        Address = Address.FromPublicKey(_publicKey);
    }

    /// <summary>The address of this key: the last 20 bytes of keccak(x ‖ y).</summary>
    public Address Address { get; }

    /// <summary>The uncompressed public key without the 0x04 prefix (x ‖ y, 64 bytes).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    internal ECPrivKey Key { get; }

    /// <summary>A key from 32 big-endian bytes; the value must be in [1, n-1].</summary>
    public static PrivateKey FromBytes(ReadOnlySpan<byte> secret)
    {
        if (secret.Length != Length)
        {
            throw new Secp256k1Exception($"A private key has 32 bytes, got {secret.Length}.");
        }

        return ECPrivKey.TryCreate(secret, out var key) && key is not null
            ? new PrivateKey(key)
            : throw new Secp256k1Exception("A private key must be in [1, n-1] (n is the secp256k1 order).");
    }

    /// <summary>A key from 64 hex digits, with or without 0x.</summary>
    public static PrivateKey Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var bytes = Hex.TryDecode(hex, out var decoded) ? decoded : throw new FormatException("A private key is 32 bytes of hex.");
        try
        {
            return FromBytes(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>A new key from the operating system's cryptographic random source.</summary>
    public static PrivateKey Generate()
    {
        Span<byte> secret = stackalloc byte[Length];
        try
        {
            while (true)
            {
                RandomNumberGenerator.Fill(secret);
                // A random 256-bit value is outside [1, n-1] with probability ~2^-128; draw again then.
                if (ECPrivKey.TryCreate(secret, out var key) && key is not null)
                {
                    return new PrivateKey(key);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>The 32 secret bytes (for export to a keystore; handle with care).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Length];
        Key.WriteToSpan(bytes);
        return bytes;
    }

    public Secp256k1Signature Sign(in Hash256 hash) => Secp256k1Signer.Sign(hash, this);

    public void Dispose() => Key.Dispose();

    public override string ToString() => $"PrivateKey for {Address}";
}
