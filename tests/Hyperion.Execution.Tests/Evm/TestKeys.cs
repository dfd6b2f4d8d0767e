using Hyperion.Core.Crypto;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// Deterministic secp256k1 keys, key i from keccak("hyperion test key" ‖ i), made once per process (deriving the
/// public key is the slow part) and shared by every test and the benchmark.
/// </summary>
internal static class TestKeys
{
    private static readonly Lock Gate = new();
    private static readonly List<PrivateKey> Keys = [];

    public static PrivateKey Get(int index)
    {
        lock (Gate)
        {
            while (Keys.Count <= index)
            {
                Keys.Add(Derive(Keys.Count));
            }

            return Keys[index];
        }
    }

    /// <summary>The first <paramref name="count"/> keys, derived on all cores when not made yet.</summary>
    public static PrivateKey[] First(int count)
    {
        lock (Gate)
        {
            if (Keys.Count < count)
            {
                var start = Keys.Count;
                var fresh = new PrivateKey[count - start];
                Parallel.For(0, fresh.Length, i => fresh[i] = Derive(start + i));
                Keys.AddRange(fresh);
            }

            return [.. Keys.Take(count)];
        }
    }

    private static PrivateKey Derive(int index)
    {
        Span<byte> seed = stackalloc byte[21];
        "hyperion test key"u8.CopyTo(seed);
        BitConverter.TryWriteBytes(seed[17..], index);
        return PrivateKey.FromBytes(Keccak256.Compute(seed).Bytes);
    }
}
