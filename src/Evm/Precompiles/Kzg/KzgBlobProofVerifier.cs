using Hyperion.Core.Transactions;

namespace Hyperion.Evm.Precompiles.Kzg;

/// <summary>Checks blob sidecars' KZG proofs with c-kzg and the mainnet trusted setup.</summary>
public sealed class KzgBlobProofVerifier : IBlobProofVerifier
{
    public bool VerifyBlobProofs(IReadOnlyList<byte[]> blobs, IReadOnlyList<byte[]> commitments, IReadOnlyList<byte[]> proofs) =>
        KzgTrustedSetup.Mainnet.VerifyBlobKzgProofBatch(blobs, commitments, proofs);
}
