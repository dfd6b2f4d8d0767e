using System.Security.Cryptography;
using Hyperion.Core;
using Hyperion.Evm.Precompiles;
using Hyperion.Evm.Precompiles.Kzg;

namespace Hyperion.Evm.Tests.Precompiles;

/// <summary>
/// 0x0a through the native c-kzg library with the mainnet trusted setup. Besides go-ethereum's vector, proofs
/// are computed here with c-kzg itself (blob → commitment → proof at z), so valid and invalid cases differ in
/// exactly one field.
/// </summary>
public sealed class PointEvaluationPrecompileTests
{
    private const string ExpectedOutput =
        "0000000000000000000000000000000000000000000000000000000000001000"
        + "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001";

    private static readonly PointEvaluationPrecompile Precompile = PointEvaluationPrecompile.Instance;

    private static readonly Lazy<ProofCase> Case = new(() => MakeCase(seed: 4844));

    private sealed record ProofCase(byte[] Blob, byte[] Commitment, byte[] Z, byte[] Y, byte[] Proof)
    {
        public byte[] Input() => [.. VersionedHash(Commitment), .. Z, .. Y, .. Commitment, .. Proof];
    }

    private static byte[] VersionedHash(byte[] commitment)
    {
        var hash = SHA256.HashData(commitment);
        hash[0] = 0x01;
        return hash;
    }

    // Field elements below the BLS modulus: a zero top byte is enough (the modulus starts with 0x73).
    private static byte[] FieldElement(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        bytes[0] = 0;
        return bytes;
    }

    private static ProofCase MakeCase(int seed)
    {
        var random = new Random(seed);
        var blob = new byte[KzgTrustedSetup.BytesPerBlob];
        for (var i = 0; i < KzgTrustedSetup.FieldElementsPerBlob; i++)
        {
            FieldElement(random).CopyTo(blob, i * 32);
        }

        var setup = KzgTrustedSetup.Mainnet;
        var commitment = setup.BlobToKzgCommitment(blob);
        var z = FieldElement(random);
        var (proof, y) = setup.ComputeKzgProof(blob, z);
        return new ProofCase(blob, commitment, z, y, proof);
    }

    private static bool Run(byte[] input, out byte[] output) => Precompile.TryRun(input, out output);

    [Fact]
    public void A_proof_computed_by_c_kzg_verifies()
    {
        Assert.True(Run(Case.Value.Input(), out var output));
        Assert.Equal(ExpectedOutput, Hex.Encode(output, withPrefix: false));
        Assert.Equal(50_000, Precompile.GasCost(Case.Value.Input()));
    }

    [Fact]
    public void A_wrong_value_fails()
    {
        var input = Case.Value.Input();
        input[95] ^= 1;
        Assert.False(Run(input, out var output));
        Assert.Empty(output);
    }

    [Fact]
    public void A_proof_for_another_point_fails()
    {
        var other = MakeCase(seed: 1);
        var input = Case.Value.Input();
        other.Proof.CopyTo(input, 144);
        Assert.False(Run(input, out _));
    }

    [Fact]
    public void A_malformed_proof_or_commitment_fails()
    {
        var badProof = Case.Value.Input();
        badProof.AsSpan(144).Fill(0xff);
        Assert.False(Run(badProof, out _));

        var flippedProof = Case.Value.Input();
        flippedProof[191] ^= 0x01;
        Assert.False(Run(flippedProof, out _));

        // A commitment that is not a curve point, with a versioned hash that matches it.
        var badCommitment = new byte[48];
        badCommitment[0] = 0x80;
        badCommitment[47] = 0x01;
        byte[] input = [.. VersionedHash(badCommitment), .. Case.Value.Z, .. Case.Value.Y, .. badCommitment, .. Case.Value.Proof];
        Assert.False(Run(input, out _));
    }

    [Fact]
    public void A_versioned_hash_that_does_not_match_the_commitment_fails()
    {
        var wrongVersion = Case.Value.Input();
        wrongVersion[0] = 0x02;
        Assert.False(Run(wrongVersion, out _));

        var wrongHash = Case.Value.Input();
        wrongHash[31] ^= 0x01;
        Assert.False(Run(wrongHash, out _));
    }

    [Fact]
    public void A_field_element_not_below_the_BLS_modulus_fails()
    {
        var input = Case.Value.Input();
        input.AsSpan(32, 32).Fill(0xff);
        Assert.False(Run(input, out _));

        var yTooLarge = Case.Value.Input();
        Hex.Decode("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001").CopyTo(yTooLarge, 64);
        Assert.False(Run(yTooLarge, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(191)]
    [InlineData(193)]
    public void Any_length_but_192_fails(int length)
    {
        var input = new byte[length];
        Case.Value.Input().AsSpan(0, Math.Min(length, 192)).CopyTo(input);
        Assert.False(Run(input, out var output));
        Assert.Empty(output);
        Assert.Equal(50_000, Precompile.GasCost(input));
    }

    [Fact]
    public void Without_the_native_library_the_call_throws_instead_of_answering()
    {
        var unavailable = new PointEvaluationPrecompile(() => throw new KzgUnavailableException("no c-kzg here"));
        var exception = Assert.Throws<KzgUnavailableException>(() => unavailable.TryRun(Case.Value.Input(), out _));
        Assert.Equal("no c-kzg here", exception.Message);
    }

    [Fact]
    public void A_missing_trusted_setup_file_is_reported_clearly()
    {
        var exception = Assert.Throws<KzgUnavailableException>(() => KzgTrustedSetup.Load("/nonexistent/trusted_setup.txt"));
        Assert.Contains("/nonexistent/trusted_setup.txt", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blob_proofs_verify_in_a_batch_and_a_tampered_blob_does_not()
    {
        var setup = KzgTrustedSetup.Mainnet;
        var first = Case.Value;
        var second = MakeCase(seed: 2);
        var proofs = new[] { setup.ComputeBlobKzgProof(first.Blob, first.Commitment), setup.ComputeBlobKzgProof(second.Blob, second.Commitment) };
        var verifier = new KzgBlobProofVerifier();

        Assert.True(verifier.VerifyBlobProofs([first.Blob, second.Blob], [first.Commitment, second.Commitment], proofs));
        Assert.True(verifier.VerifyBlobProofs([], [], []));

        var tampered = (byte[])second.Blob.Clone();
        tampered[100] ^= 1;
        Assert.False(verifier.VerifyBlobProofs([first.Blob, tampered], [first.Commitment, second.Commitment], proofs));
        Assert.False(verifier.VerifyBlobProofs([second.Blob, first.Blob], [first.Commitment, second.Commitment], proofs));
    }
}
