using System.Buffers.Binary;
using System.Numerics;
using Hyperion.Core;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm.Tests.Precompiles;

public sealed class Blake2FPrecompileTests
{
    private static readonly Blake2FPrecompile Precompile = Blake2FPrecompile.Instance;

    // EIP-152's test vector 5: BLAKE2b-512("abc") as one F call with 12 rounds.
    private const string AbcInput =
        "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e13"
        + "19cde05b616263000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        + "000000000300000000000000000000000000000001";

    [Fact]
    public void Computes_blake2b_of_abc()
    {
        var input = Hex.Decode(AbcInput);
        Assert.Equal(213, input.Length);
        Assert.True(Precompile.TryRun(input, out var output));
        Assert.Equal(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
            Hex.Encode(output, withPrefix: false));
        Assert.Equal(12, Precompile.GasCost(input));
    }

    // EIP-152's test vectors 4 (zero rounds: only the initialisation and the final xor), 5 (above, twelve rounds,
    // final block), 6 (twelve rounds, not the final block) and 7 (one round). The inputs differ from AbcInput only
    // in the round count (first four bytes) and the final flag (last byte).
    [Theory]
    [InlineData(0u, 1, "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b")]
    [InlineData(12u, 1, "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")]
    [InlineData(12u, 0, "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735")]
    [InlineData(1u, 1, "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421")]
    public void Matches_the_eip152_test_vectors(uint rounds, byte finalFlag, string expected)
    {
        var input = Hex.Decode(AbcInput);
        BinaryPrimitives.WriteUInt32BigEndian(input, rounds);
        input[212] = finalFlag;
        Assert.True(Precompile.TryRun(input, out var output));
        Assert.Equal(expected, Hex.Encode(output, withPrefix: false));
        Assert.Equal(rounds, Precompile.GasCost(input));
    }

    // The unrolled compression against a plain transcription of RFC 7693's F on random states, blocks, counters
    // and flags, with round counts on both sides of the schedule's wrap after ten rounds.
    [Fact]
    public void Agrees_with_a_plain_rfc7693_transcription_on_random_inputs()
    {
        var random = new Random(152);
        uint[] roundCounts = [0, 1, 2, 9, 10, 11, 12, 19, 20, 21, 37, 100, 1_001];
        foreach (var rounds in roundCounts)
        {
            for (var trial = 0; trial < 20; trial++)
            {
                var h = new ulong[8];
                var m = new ulong[16];
                for (var i = 0; i < h.Length; i++)
                {
                    h[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
                }

                for (var i = 0; i < m.Length; i++)
                {
                    m[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
                }

                var t0 = (ulong)random.NextInt64();
                var t1 = (ulong)random.NextInt64();
                var isFinal = random.Next(2) == 1;
                var expected = (ulong[])h.Clone();
                ReferenceCompress(expected, m, t0, t1, isFinal, rounds);
                var actual = (ulong[])h.Clone();
                Blake2FPrecompile.Compress(actual, m, t0, t1, isFinal, rounds);
                Assert.Equal(expected, actual);
            }
        }
    }

    private static void ReferenceCompress(ulong[] h, ulong[] m, ulong t0, ulong t1, bool isFinal, uint rounds)
    {
        ulong[] iv =
        [
            0x6a09e667f3bcc908UL, 0xbb67ae8584caa73bUL, 0x3c6ef372fe94f82bUL, 0xa54ff53a5f1d36f1UL,
            0x510e527fade682d1UL, 0x9b05688c2b3e6c1fUL, 0x1f83d9abfb41bd6bUL, 0x5be0cd19137e2179UL,
        ];
        int[][] sigma =
        [
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
            [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
            [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
            [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
            [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
            [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
            [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
            [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
            [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
            [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
        ];
        var v = new ulong[16];
        Array.Copy(h, v, 8);
        Array.Copy(iv, 0, v, 8, 8);
        v[12] ^= t0;
        v[13] ^= t1;
        if (isFinal)
        {
            v[14] = ~v[14];
        }

        for (var round = 0; round < rounds; round++)
        {
            var s = sigma[round % 10];
            G(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
            G(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
            G(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
            G(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
            G(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
            G(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
            G(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
            G(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
        }

        for (var i = 0; i < 8; i++)
        {
            h[i] ^= v[i] ^ v[i + 8];
        }

        static void G(ulong[] v, int a, int b, int c, int d, ulong x, ulong y)
        {
            v[a] = v[a] + v[b] + x;
            v[d] = BitOperations.RotateRight(v[d] ^ v[a], 32);
            v[c] = v[c] + v[d];
            v[b] = BitOperations.RotateRight(v[b] ^ v[c], 24);
            v[a] = v[a] + v[b] + y;
            v[d] = BitOperations.RotateRight(v[d] ^ v[a], 16);
            v[c] = v[c] + v[d];
            v[b] = BitOperations.RotateRight(v[b] ^ v[c], 63);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(212)]
    [InlineData(214)]
    public void Any_length_but_213_fails_and_costs_nothing(int length)
    {
        var input = new byte[length];
        Assert.False(Precompile.TryRun(input, out var output));
        Assert.Empty(output);
        Assert.Equal(0, Precompile.GasCost(input));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0x80)]
    [InlineData(0xff)]
    public void A_final_flag_other_than_0_or_1_fails(byte flag)
    {
        var input = Hex.Decode(AbcInput);
        input[212] = flag;
        Assert.False(Precompile.TryRun(input, out _));
    }

    [Fact]
    public void Gas_is_the_round_count_as_a_big_endian_32_bit_number()
    {
        var input = Hex.Decode(AbcInput);
        input[0] = 0xff;
        input[1] = 0xff;
        input[2] = 0xff;
        input[3] = 0xff;
        Assert.Equal(uint.MaxValue, Precompile.GasCost(input));
    }
}
