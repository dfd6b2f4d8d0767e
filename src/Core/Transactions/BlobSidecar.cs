using System.Security.Cryptography;

namespace Hyperion.Core.Transactions;

/// <summary>
/// The data an EIP-4844 transaction carries on the network but not in blocks: one blob, KZG commitment
/// and KZG proof per versioned hash.
/// </summary>
public sealed record BlobSidecar(IReadOnlyList<byte[]> Blobs, IReadOnlyList<byte[]> Commitments, IReadOnlyList<byte[]> Proofs)
{
    /// <summary>4096 field elements of 32 bytes.</summary>
    public const int BlobLength = 131_072;

    /// <summary>A compressed BLS12-381 G1 point.</summary>
    public const int CommitmentLength = 48;

    public const int ProofLength = 48;

    /// <summary>The version byte of a versioned hash made from a KZG commitment.</summary>
    public const byte KzgVersion = 0x01;

    /// <summary>Blob gas per blob (2^17).</summary>
    public const ulong BlobGasPerBlob = 131_072;

    /// <summary>sha256(commitment) with its first byte replaced by the version 0x01.</summary>
    public static Hash256 ComputeVersionedHash(ReadOnlySpan<byte> commitment)
    {
        if (commitment.Length != CommitmentLength)
        {
            throw new ArgumentException($"A KZG commitment has 48 bytes, got {commitment.Length}.", nameof(commitment));
        }

        Span<byte> hash = stackalloc byte[Hash256.Length];
        SHA256.HashData(commitment, hash);
        hash[0] = KzgVersion;
        return new Hash256(hash);
    }

    /// <summary>
    /// Checks the sidecar against a transaction's versioned hashes: one blob, commitment and proof per hash,
    /// each of the right size, and each commitment hashing to its versioned hash. The KZG proofs are
    /// checked only when <paramref name="proofVerifier"/> is given.
    /// </summary>
    public void Validate(IReadOnlyList<Hash256> versionedHashes, IBlobProofVerifier? proofVerifier)
    {
        ArgumentNullException.ThrowIfNull(versionedHashes);
        var count = versionedHashes.Count;
        if (Blobs.Count != count || Commitments.Count != count || Proofs.Count != count)
        {
            throw Mismatch(
                $"The sidecar has {Blobs.Count} blobs, {Commitments.Count} commitments and {Proofs.Count} proofs; the transaction has {count} versioned hashes.");
        }

        for (var i = 0; i < count; i++)
        {
            if (Blobs[i].Length != BlobLength)
            {
                throw Mismatch($"Blob {i} has {Blobs[i].Length} bytes, expected {BlobLength}.");
            }

            if (Commitments[i].Length != CommitmentLength)
            {
                throw Mismatch($"Commitment {i} has {Commitments[i].Length} bytes, expected {CommitmentLength}.");
            }

            if (Proofs[i].Length != ProofLength)
            {
                throw Mismatch($"Proof {i} has {Proofs[i].Length} bytes, expected {ProofLength}.");
            }

            var computed = ComputeVersionedHash(Commitments[i]);
            if (computed != versionedHashes[i])
            {
                throw Mismatch($"Commitment {i} hashes to {computed}, but the transaction's versioned hash {i} is {versionedHashes[i]}.");
            }
        }

        if (proofVerifier is not null && !proofVerifier.VerifyBlobProofs(Blobs, Commitments, Proofs))
        {
            throw new InvalidTransactionException(InvalidTransactionReason.InvalidBlobProof, "The blobs' KZG proofs do not verify.")
            {
                Field = "proofs",
            };
        }
    }

    /// <summary>Whether two sidecars hold the same bytes (the record's own equality compares list references).</summary>
    public bool ContentEquals(BlobSidecar? other) =>
        other is not null
        && SameBytes(Blobs, other.Blobs)
        && SameBytes(Commitments, other.Commitments)
        && SameBytes(Proofs, other.Proofs);

    private static bool SameBytes(IReadOnlyList<byte[]> left, IReadOnlyList<byte[]> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        for (var i = 0; i < left.Count; i++)
        {
            if (!left[i].AsSpan().SequenceEqual(right[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static InvalidTransactionException Mismatch(string message) =>
        new(InvalidTransactionReason.BlobSidecarMismatch, message) { Field = "sidecar" };
}
