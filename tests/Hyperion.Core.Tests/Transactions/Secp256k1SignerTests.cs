using System.Numerics;
using Hyperion.Core.Crypto;
using Nethereum.Signer;

namespace Hyperion.Core.Tests.Transactions;

/// <summary>Signing and recovery over NBitcoin.Secp256k1, cross-checked against Nethereum's independent
/// implementation (BouncyCastle underneath).</summary>
public sealed class Secp256k1SignerTests
{
    private static readonly BigInteger Order = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337");

    [Fact]
    public void Curve_order_constants_are_n_and_half_n()
    {
        Assert.Equal(Order, (BigInteger)Secp256k1Signature.CurveOrder);
        Assert.Equal(Order / 2, (BigInteger)Secp256k1Signature.HalfCurveOrder);
    }

    [Fact]
    public void Sign_then_recover_gives_the_signer_address()
    {
        var random = new Random(1);
        for (var i = 0; i < 40; i++)
        {
            using var key = RandomKey(random);
            var hash = RandomHash(random);
            var signature = key.Sign(hash);
            Assert.True(signature.HasValidScalars);
            Assert.True(signature.IsLowS);
            Assert.Equal(key.Address, Secp256k1Signer.RecoverAddress(hash, signature));
            Assert.Equal(key.PublicKey.ToArray(), Secp256k1Signer.RecoverPublicKey(hash.Bytes, signature));
        }
    }

    [Fact]
    public void Signatures_and_addresses_match_Nethereum_for_random_keys_and_hashes()
    {
        var random = new Random(2);
        for (var i = 0; i < 40; i++)
        {
            using var key = RandomKey(random);
            var hash = RandomHash(random);
            var theirs = new EthECKey(key.ToBytes(), true);
            Assert.Equal(Address.Parse(theirs.GetPublicAddress()), key.Address);
            Assert.Equal(theirs.GetPubKeyNoPrefix(), key.PublicKey.ToArray());

            // Both sign deterministically (RFC 6979) with low s, so the signatures are identical.
            var ours = key.Sign(hash);
            var nethereum = theirs.SignAndCalculateV(hash.ToArray());
            Assert.Equal(UInt256.FromBigEndian(nethereum.R), ours.R);
            Assert.Equal(UInt256.FromBigEndian(nethereum.S), ours.S);
            Assert.Equal(nethereum.V[0], 27 + ours.YParity);
        }
    }

    [Fact]
    public void Recovery_matches_Nethereum_recovery()
    {
        var random = new Random(3);
        for (var i = 0; i < 40; i++)
        {
            var theirs = new EthECKey(RandomKeyBytes(random), true);
            var hash = RandomHash(random);
            var nethereum = theirs.SignAndCalculateV(hash.ToArray());
            var signature = new Secp256k1Signature(
                (byte)(nethereum.V[0] - 27), UInt256.FromBigEndian(nethereum.R), UInt256.FromBigEndian(nethereum.S));

            var recoveredByNethereum = EthECKey.RecoverFromSignature(nethereum, hash.ToArray()).GetPublicAddress();
            Assert.Equal(Address.Parse(recoveredByNethereum), Secp256k1Signer.RecoverAddress(hash, signature));
            Assert.Equal(Address.Parse(theirs.GetPublicAddress()), Secp256k1Signer.RecoverAddress(hash, signature));
        }
    }

    [Fact]
    public void A_high_s_signature_is_rejected_unless_low_s_is_waived()
    {
        using var key = PrivateKey.Parse("0x4646464646464646464646464646464646464646464646464646464646464646");
        var hash = Hyperion.Core.Crypto.Keccak256.Compute("high s"u8);
        var low = key.Sign(hash);
        var high = low with { YParity = (byte)(1 - low.YParity), S = (UInt256)(Order - low.S) };

        Assert.False(high.IsLowS);
        Assert.False(Secp256k1Signer.TryRecoverAddress(hash, high, out _));
        var error = Assert.Throws<Secp256k1Exception>(() => Secp256k1Signer.RecoverAddress(hash, high));
        Assert.Contains("EIP-2", error.Message, StringComparison.Ordinal);

        // The malleated signature is still mathematically valid: it recovers the same key.
        Assert.True(Secp256k1Signer.TryRecoverAddress(hash, high, out var address, requireLowS: false));
        Assert.Equal(key.Address, address);
    }

    [Fact]
    public void Scalars_outside_one_to_n_minus_one_are_rejected()
    {
        var hash = Hyperion.Core.Crypto.Keccak256.Compute("range"u8);
        Assert.False(Secp256k1Signer.TryRecoverAddress(hash, new Secp256k1Signature(0, UInt256.Zero, UInt256.One), out _));
        Assert.False(Secp256k1Signer.TryRecoverAddress(hash, new Secp256k1Signature(0, UInt256.One, UInt256.Zero), out _));
        Assert.False(Secp256k1Signer.TryRecoverAddress(hash, new Secp256k1Signature(0, Secp256k1Signature.CurveOrder, UInt256.One), out _));
        Assert.False(Secp256k1Signer.TryRecoverAddress(hash, new Secp256k1Signature(2, UInt256.One, UInt256.One), out _));
    }

    [Fact]
    public void An_r_that_is_no_curve_point_fails_with_a_clear_error()
    {
        var hash = Hyperion.Core.Crypto.Keccak256.Compute("no point"u8);

        // About half of all x values have no point on the curve; the first few small ones include some.
        var failures = 0;
        for (ulong r = 1; r < 20; r++)
        {
            var signature = new Secp256k1Signature(0, r, UInt256.One);
            if (!Secp256k1Signer.TryRecoverAddress(hash, signature, out _))
            {
                failures++;
                var error = Assert.Throws<Secp256k1Exception>(() => Secp256k1Signer.RecoverAddress(hash, signature));
                Assert.Contains("curve point", error.Message, StringComparison.Ordinal);
            }
        }

        Assert.InRange(failures, 1, 18);
    }

    [Fact]
    public void Private_keys_outside_one_to_n_minus_one_are_refused()
    {
        Assert.Throws<Secp256k1Exception>(() => PrivateKey.FromBytes(new byte[32]));
        Assert.Throws<Secp256k1Exception>(() => PrivateKey.FromBytes(Secp256k1Signature.CurveOrder.ToBigEndian()));
        Assert.Throws<Secp256k1Exception>(() => PrivateKey.FromBytes(new byte[31]));
        using var generated = PrivateKey.Generate();
        using var reloaded = PrivateKey.FromBytes(generated.ToBytes());
        Assert.Equal(generated.Address, reloaded.Address);
    }

    [Fact]
    public void Compact_form_round_trips_with_v_27_or_28()
    {
        using var key = PrivateKey.Parse("0x4646464646464646464646464646464646464646464646464646464646464646");
        var signature = key.Sign(Hyperion.Core.Crypto.Keccak256.Compute("compact"u8));
        var compact = signature.ToCompactWithParity();
        Assert.Equal(signature, Secp256k1Signature.FromCompactWithParity(compact));
        compact[64] += 27;
        Assert.Equal(signature, Secp256k1Signature.FromCompactWithParity(compact));
    }

    internal static PrivateKey RandomKey(Random random) => PrivateKey.FromBytes(RandomKeyBytes(random));

    internal static byte[] RandomKeyBytes(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        bytes[0] &= 0x7f; // below n, so always a valid key
        bytes[31] |= 1;   // never zero
        return bytes;
    }

    private static Hash256 RandomHash(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return new Hash256(bytes);
    }
}
