namespace Hyperion.Core.Crypto;

/// <summary>
/// Ethereum's use of secp256k1: deterministic RFC 6979 signing that always yields low s (NBitcoin.Secp256k1, a
/// managed port of libsecp256k1), and public-key recovery from (hash, yParity, r, s) in the native libsecp256k1
/// (Secp256k1.Net), since recovery is what every admitted transaction pays for.
/// </summary>
public static class Secp256k1Signer
{
    public const int HashLength = 32;

    /// <summary>The uncompressed public key without its 0x04 prefix: x ‖ y.</summary>
    public const int PublicKeyLength = 64;

    /// <summary>Signs a 32-byte hash. libsecp256k1 normalizes s to the lower half and flips the parity
    /// to match, so the result always satisfies EIP-2.</summary>
    public static Secp256k1Signature Sign(ReadOnlySpan<byte> hash, PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        CheckHashLength(hash);
        if (!key.Key.TrySignRecoverable(hash, out var signature) || signature is null)
        {
            throw new Secp256k1Exception("Signing failed: the nonce derivation found no usable nonce.");
        }

        Span<byte> compact = stackalloc byte[64];
        signature.WriteToSpanCompact(compact, out var recoveryId);
        if (recoveryId > 1)
        {
            // Ids 2 and 3 mean r overflowed the order (probability ~2^-127); Ethereum cannot express them.
            throw new Secp256k1Exception($"Signing produced recovery id {recoveryId}, which Ethereum cannot carry.");
        }

        return new Secp256k1Signature((byte)recoveryId, UInt256.FromBigEndian(compact[..32]), UInt256.FromBigEndian(compact[32..]));
    }

    public static Secp256k1Signature Sign(in Hash256 hash, PrivateKey key) => Sign(hash.Bytes, key);

    /// <summary>Recovers the 64-byte public key (x ‖ y) into <paramref name="publicKey"/>; false when the
    /// signature's scalars are out of range, when <paramref name="requireLowS"/> and s is high, or when
    /// no public key fits (r is not the x coordinate of a curve point).</summary>
    public static bool TryRecoverPublicKey(ReadOnlySpan<byte> hash, in Secp256k1Signature signature, Span<byte> publicKey, bool requireLowS = true) =>
        Recover(hash, signature, publicKey, requireLowS) is null;

    /// <summary>Recovers the 64-byte public key; throws <see cref="Secp256k1Exception"/> saying why it cannot.</summary>
    public static byte[] RecoverPublicKey(ReadOnlySpan<byte> hash, in Secp256k1Signature signature, bool requireLowS = true)
    {
        var publicKey = new byte[PublicKeyLength];
        var error = Recover(hash, signature, publicKey, requireLowS);
        return error is null ? publicKey : throw new Secp256k1Exception(error);
    }

    public static bool TryRecoverAddress(in Hash256 hash, in Secp256k1Signature signature, out Address address, bool requireLowS = true)
    {
        Span<byte> publicKey = stackalloc byte[PublicKeyLength];
        if (Recover(hash.Bytes, signature, publicKey, requireLowS) is not null)
        {
            address = Address.Zero;
            return false;
        }

        address = Address.FromPublicKey(publicKey);
        return true;
    }

    /// <summary>The address that signed <paramref name="hash"/>; throws <see cref="Secp256k1Exception"/> saying why it cannot be recovered.</summary>
    public static Address RecoverAddress(in Hash256 hash, in Secp256k1Signature signature, bool requireLowS = true)
    {
        Span<byte> publicKey = stackalloc byte[PublicKeyLength];
        var error = Recover(hash.Bytes, signature, publicKey, requireLowS);
        return error is null ? Address.FromPublicKey(publicKey) : throw new Secp256k1Exception(error);
    }

    /// <summary>Explains what is wrong with a signature's values before any curve arithmetic, or null when they are acceptable.</summary>
    public static string? DescribeInvalidScalars(in Secp256k1Signature signature, bool requireLowS)
    {
        if (signature.YParity > 1)
        {
            return $"the y parity must be 0 or 1, got {signature.YParity}";
        }

        if (signature.R.IsZero || signature.R >= Secp256k1Signature.CurveOrder)
        {
            return "r must be in [1, n-1]";
        }

        if (signature.S.IsZero || signature.S >= Secp256k1Signature.CurveOrder)
        {
            return "s must be in [1, n-1]";
        }

        return requireLowS && !signature.IsLowS ? "s must be at most n/2 (EIP-2)" : null;
    }

    // Returns null on success, or the reason recovery failed.
    private static string? Recover(ReadOnlySpan<byte> hash, in Secp256k1Signature signature, Span<byte> publicKey, bool requireLowS)
    {
        CheckHashLength(hash);
        if (publicKey.Length < PublicKeyLength)
        {
            throw new ArgumentException("The public key needs 64 bytes.", nameof(publicKey));
        }

        var invalid = DescribeInvalidScalars(signature, requireLowS);
        if (invalid is not null)
        {
            return "Invalid signature: " + invalid + ".";
        }

        Span<byte> compact = stackalloc byte[64];
        signature.R.WriteBigEndian(compact);
        signature.S.WriteBigEndian(compact[32..]);

        // Recovery runs in bitcoin-core's libsecp256k1 (native): about 7x the managed port, and it is the costliest
        // step of admitting a transaction. The scalars were checked above, so a failure here is the rare r that is not
        // the x coordinate of a curve point.
        byte[] uncompressed;
        try
        {
            uncompressed = Secp256k1Net.Secp256k1.RecoverPublicKey(compact, signature.YParity, hash, compressed: false);
        }
        catch (ArgumentException)
        {
            return "Invalid signature: no public key recovers from it (r is not the x coordinate of a curve point).";
        }

        uncompressed.AsSpan(1).CopyTo(publicKey);
        return null;
    }

    private static void CheckHashLength(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != HashLength)
        {
            throw new ArgumentException($"ECDSA here signs 32-byte hashes, got {hash.Length} bytes.", nameof(hash));
        }
    }
}
