using System.Numerics;

namespace Hyperion.Core.Benchmarks;

/// <summary>UInt256 mul, div and mulmod against System.Numerics.BigInteger doing the same EVM-mod-2^256 work.</summary>
internal static class UInt256Benchmark
{
    private const int Count = 1024;

    public static void Run(Harness harness)
    {
        var random = new Random(42);
        var a = new UInt256[Count];
        var b = new UInt256[Count];
        var m = new UInt256[Count];
        var bigA = new BigInteger[Count];
        var bigB = new BigInteger[Count];
        var bigM = new BigInteger[Count];
        for (var i = 0; i < Count; i++)
        {
            a[i] = Random256(random, 4);
            b[i] = Random256(random, 1 + (i % 4));
            m[i] = Random256(random, 1 + (i % 4));
            bigA[i] = a[i];
            bigB[i] = b[i];
            bigM[i] = m[i];
        }

        var modulus = BigInteger.One << 256;
        var mask = modulus - 1;

        Compare(harness, "uint256 mul (wrapping)",
            () =>
            {
                ulong s = 0;
                for (var i = 0; i < Count; i++)
                {
                    UInt256.Multiply(a[i], b[i], out var r);
                    s += r.U0;
                }

                return (long)s;
            },
            () =>
            {
                long s = 0;
                for (var i = 0; i < Count; i++)
                {
                    s += (int)((bigA[i] * bigB[i]) & mask).GetBitLength();
                }

                return s;
            });

        Compare(harness, "uint256 div",
            () =>
            {
                ulong s = 0;
                for (var i = 0; i < Count; i++)
                {
                    UInt256.Divide(a[i], b[i], out var r);
                    s += r.U0;
                }

                return (long)s;
            },
            () =>
            {
                long s = 0;
                for (var i = 0; i < Count; i++)
                {
                    s += (int)BigInteger.Divide(bigA[i], bigB[i]).GetBitLength();
                }

                return s;
            });

        Compare(harness, "uint256 mulmod",
            () =>
            {
                ulong s = 0;
                for (var i = 0; i < Count; i++)
                {
                    UInt256.MulMod(a[i], b[i], m[i], out var r);
                    s += r.U0;
                }

                return (long)s;
            },
            () =>
            {
                long s = 0;
                for (var i = 0; i < Count; i++)
                {
                    s += (int)((bigA[i] * bigB[i]) % bigM[i]).GetBitLength();
                }

                return s;
            });
    }

    private static void Compare(Harness harness, string name, Func<long> ours, Func<long> bigInteger)
    {
        var ourOps = harness.OpsPerSecond(n => Repeat(ours, n), Count);
        var theirOps = harness.OpsPerSecond(n => Repeat(bigInteger, n), Count);
        Harness.PrintComparison(name, "op/s", ourOps, theirOps, "BigInteger", 0);
    }

    // A batch is one pass over the operand arrays; n counts operations, so n / Count passes.
    private static long Repeat(Func<long> pass, int operations)
    {
        long s = 0;
        for (var done = 0; done < operations; done += Count)
        {
            s += pass();
        }

        return s;
    }

    private static UInt256 Random256(Random random, int limbs)
    {
        Span<ulong> l = stackalloc ulong[4];
        for (var i = 0; i < limbs; i++)
        {
            l[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
        }

        // Never a zero divisor/modulus: keep the benchmark on the general path.
        l[0] |= 1;
        return new UInt256(l[0], l[1], l[2], l[3]);
    }
}
