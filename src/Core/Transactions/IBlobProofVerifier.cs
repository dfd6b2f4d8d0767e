namespace Hyperion.Core.Transactions;

/// <summary>
/// Verifies the KZG proofs of a blob sidecar (c-kzg's <c>verify_blob_kzg_proof_batch</c>). It lives
/// outside Core because it needs the native library and the trusted setup; until one is supplied,
/// sidecars are checked for shape and commitment hashes only.
/// </summary>
public interface IBlobProofVerifier
{
    /// <summary>True when every proof shows its blob matches its commitment.</summary>
    bool VerifyBlobProofs(IReadOnlyList<byte[]> blobs, IReadOnlyList<byte[]> commitments, IReadOnlyList<byte[]> proofs);
}
