using Hyperion.Core.Crypto;
using Nethereum.Util;

namespace Hyperion.Core.Benchmarks;

/// <summary>Our Keccak-256 against Nethereum's Sha3Keccack (BouncyCastle underneath), same inputs, same run.</summary>
internal static class KeccakBenchmark
{
    public static void Run(Harness harness)
    {
        var nethereum = new Sha3Keccack();
        var random = new Random(42);

        // Throughput on 4 KiB inputs, in MB/s.
        var large = new byte[4096];
        random.NextBytes(large);
        Span<byte> output = stackalloc byte[32];
        var ourLarge = harness.OpsPerSecond(n =>
        {
            Span<byte> o = stackalloc byte[32];
            for (var i = 0; i < n; i++)
            {
                Keccak256.Compute(large, o);
            }

            return o[0];
        }, 64) * large.Length / 1e6;
        var theirLarge = harness.OpsPerSecond(n =>
        {
            long s = 0;
            for (var i = 0; i < n; i++)
            {
                s += nethereum.CalculateHash(large)[0];
            }

            return s;
        }, 64) * large.Length / 1e6;
        Harness.PrintComparison("keccak256 4 KiB inputs", "MB/s", ourLarge, theirLarge, "Nethereum", 3);

        // Latency-bound case: 64-byte inputs (a storage key, a public key), hashes per second.
        var small = new byte[64];
        random.NextBytes(small);
        var ourSmall = harness.OpsPerSecond(n =>
        {
            Span<byte> o = stackalloc byte[32];
            for (var i = 0; i < n; i++)
            {
                Keccak256.Compute(small, o);
            }

            return o[0];
        }, 1024);
        var theirSmall = harness.OpsPerSecond(n =>
        {
            long s = 0;
            for (var i = 0; i < n; i++)
            {
                s += nethereum.CalculateHash(small)[0];
            }

            return s;
        }, 1024);
        Harness.PrintComparison("keccak256 64-byte inputs", "hash/s", ourSmall, theirSmall, "Nethereum", 3);
        output.Clear();
    }
}
