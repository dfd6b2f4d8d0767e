using CsCheck;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm.Tests.Precompiles;

public sealed class EcRecoverPrecompileTests
{
    private static readonly EcRecoverPrecompile Precompile = EcRecoverPrecompile.Instance;

    private static byte[] Input(in Hash256 hash, UInt256 v, UInt256 r, UInt256 s)
    {
        var input = new byte[128];
        hash.CopyTo(input);
        v.WriteBigEndian(input.AsSpan(32));
        r.WriteBigEndian(input.AsSpan(64));
        s.WriteBigEndian(input.AsSpan(96));
        return input;
    }

    private static byte[] AddressWord(in Address address)
    {
        var word = new byte[32];
        address.CopyTo(word.AsSpan(12));
        return word;
    }

    private static byte[] Run(ReadOnlySpan<byte> input)
    {
        Assert.True(Precompile.TryRun(input, out var output), "ecrecover never fails; invalid input gives empty output");
        return output;
    }

    [Fact]
    public void Recovers_the_signer_of_random_hashes()
    {
        Gen.Byte.Array[32].Sample(hashBytes =>
        {
            using var key = PrivateKey.Generate();
            var hash = new Hash256(hashBytes);
            var signature = key.Sign(hash);
            var output = Run(Input(hash, (UInt256)(27UL + signature.YParity), signature.R, signature.S));
            Assert.Equal(AddressWord(key.Address), output);
        }, iter: 50);
    }

    [Fact]
    public void Accepts_high_s_because_EIP2_does_not_apply_to_the_precompile()
    {
        using var key = PrivateKey.Generate();
        var hash = Keccak256.Compute("high s"u8);
        var signature = key.Sign(hash);

        // (r, n - s) with the other parity is the same signature's malleable twin.
        var highS = Secp256k1Signature.CurveOrder - signature.S;
        Assert.True(highS > Secp256k1Signature.HalfCurveOrder);
        var output = Run(Input(hash, (UInt256)(28UL - signature.YParity), signature.R, highS));

        Assert.Equal(AddressWord(key.Address), output);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(26UL)]
    [InlineData(29UL)]
    [InlineData(27UL + (1UL << 8))]
    public void Any_v_but_27_or_28_gives_empty_output(ulong v)
    {
        using var key = PrivateKey.Generate();
        var hash = Keccak256.Compute("v"u8);
        var signature = key.Sign(hash);

        Assert.Empty(Run(Input(hash, v, signature.R, signature.S)));
    }

    [Fact]
    public void A_v_word_with_high_bytes_set_gives_empty_output()
    {
        using var key = PrivateKey.Generate();
        var hash = Keccak256.Compute("v word"u8);
        var signature = key.Sign(hash);

        var v = new UInt256(27UL + signature.YParity, 0, 0, 1UL << 56);
        Assert.Empty(Run(Input(hash, v, signature.R, signature.S)));
    }

    [Fact]
    public void Out_of_range_r_or_s_gives_empty_output()
    {
        using var key = PrivateKey.Generate();
        var hash = Keccak256.Compute("range"u8);
        var signature = key.Sign(hash);
        var v = (UInt256)(27UL + signature.YParity);

        Assert.Empty(Run(Input(hash, v, UInt256.Zero, signature.S)));
        Assert.Empty(Run(Input(hash, v, signature.R, UInt256.Zero)));
        Assert.Empty(Run(Input(hash, v, Secp256k1Signature.CurveOrder, signature.S)));
        Assert.Empty(Run(Input(hash, v, signature.R, Secp256k1Signature.CurveOrder)));
        Assert.Empty(Run(Input(hash, v, signature.R, UInt256.MaxValue)));
    }

    [Fact]
    public void Empty_input_reads_as_zeros_and_gives_empty_output()
    {
        Assert.Empty(Run([]));
        Assert.Equal(3000, Precompile.GasCost([]));
    }

    [Fact]
    public void Short_input_is_padded_and_long_input_truncated()
    {
        using var key = PrivateKey.Generate();
        var hash = Keccak256.Compute("padding"u8);
        var signature = key.Sign(hash);
        var input = Input(hash, (UInt256)(27UL + signature.YParity), signature.R, signature.S);
        var expected = AddressWord(key.Address);

        Assert.Equal(expected, Run([.. input, 0xde, 0xad, 0xbe, 0xef]));

        // Dropping trailing zero bytes of s changes nothing when they are read back as padding.
        var trimmed = input.AsSpan().TrimEnd((byte)0).ToArray();
        Assert.Equal(expected, Run(trimmed));
        Assert.Equal(3000, Precompile.GasCost(new byte[1000]));
    }
}
