using Hyperion.Core.Crypto;
using Nethereum.Signer;

namespace Hyperion.Core.Benchmarks;

/// <summary>
/// Sender recovery (signature + hash → address, what every transaction needs) against Nethereum's
/// EthECKey.RecoverFromSignature, on the same signatures.
/// </summary>
internal static class RecoveryBenchmark
{
    private const int Count = 256;

    public static void Run(Harness harness)
    {
        var random = new Random(42);
        var hashes = new Hash256[Count];
        var signatures = new Secp256k1Signature[Count];
        var theirSignatures = new EthECDSASignature[Count];
        var theirHashes = new byte[Count][];
        var expected = new Address[Count];
        for (var i = 0; i < Count; i++)
        {
            using var key = PrivateKey.Generate();
            var message = new byte[32];
            random.NextBytes(message);
            hashes[i] = Keccak256.Compute(message);
            signatures[i] = key.Sign(hashes[i]);
            expected[i] = key.Address;
            theirHashes[i] = hashes[i].ToArray();
            theirSignatures[i] = EthECDSASignatureFactory.FromComponents(
                signatures[i].R.ToBigEndian(), signatures[i].S.ToBigEndian(), (byte)(27 + signatures[i].YParity));
        }

        // Both sides must agree before either is timed.
        for (var i = 0; i < Count; i++)
        {
            var recovered = EthECKey.RecoverFromSignature(theirSignatures[i], theirHashes[i]).GetPublicAddress();
            if (Secp256k1Signer.RecoverAddress(hashes[i], signatures[i]) != expected[i]
                || !string.Equals(recovered, expected[i].ToString(), StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"Recovery disagrees on signature {i}.");
            }
        }

        var ours = harness.OpsPerSecond(n =>
        {
            long s = 0;
            for (var i = 0; i < n; i++)
            {
                s += Secp256k1Signer.RecoverAddress(hashes[i % Count], signatures[i % Count]).Bytes[0];
            }

            return s;
        }, 64);
        var theirs = harness.OpsPerSecond(n =>
        {
            long s = 0;
            for (var i = 0; i < n; i++)
            {
                s += EthECKey.RecoverFromSignature(theirSignatures[i % Count], theirHashes[i % Count]).GetPublicAddress().Length;
            }

            return s;
        }, 16);
        Harness.PrintComparison("ecrecover to address", "rec/s", ours, theirs, "Nethereum", 2);
    }
}
