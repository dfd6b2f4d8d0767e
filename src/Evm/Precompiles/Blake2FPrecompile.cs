using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hyperion.Evm.Precompiles;

/// <summary>
/// 0x09: the BLAKE2b compression function F with a caller-chosen number of rounds (EIP-152). The input is
/// exactly 213 bytes: rounds (4, big-endian), state h (64), message block m (128), offset counters t (16),
/// and the final-block flag f (1); the words are little-endian as in BLAKE2. One gas per round.
/// </summary>
public sealed class Blake2FPrecompile : IPrecompile
{
    public const int InputLength = 213;

    public static Blake2FPrecompile Instance { get; } = new();

    // BLAKE2b's message schedule: round i uses row i mod 10.
    private static ReadOnlySpan<byte> Sigma =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ];

    /// <summary>The round count; an input of the wrong length costs nothing because it fails anyway.</summary>
    public long GasCost(ReadOnlySpan<byte> input) =>
        input.Length == InputLength ? BinaryPrimitives.ReadUInt32BigEndian(input) : 0;

    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = [];
        if (input.Length != InputLength || input[212] > 1)
        {
            return false;
        }

        var rounds = BinaryPrimitives.ReadUInt32BigEndian(input);
        Span<ulong> h = stackalloc ulong[8];
        Span<ulong> m = stackalloc ulong[16];
        for (var i = 0; i < 8; i++)
        {
            h[i] = BinaryPrimitives.ReadUInt64LittleEndian(input[(4 + (8 * i))..]);
        }

        for (var i = 0; i < 16; i++)
        {
            m[i] = BinaryPrimitives.ReadUInt64LittleEndian(input[(68 + (8 * i))..]);
        }

        var t0 = BinaryPrimitives.ReadUInt64LittleEndian(input[196..]);
        var t1 = BinaryPrimitives.ReadUInt64LittleEndian(input[204..]);
        Compress(h, m, t0, t1, input[212] == 1, rounds);

        output = new byte[64];
        for (var i = 0; i < 8; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(output.AsSpan(8 * i), h[i]);
        }

        return true;
    }

    /// <summary>
    /// F: mixes the message block <paramref name="m"/> into the state <paramref name="h"/> over
    /// <paramref name="rounds"/> rounds. The working vector is sixteen locals and the eight G calls of a round are
    /// written out, so that the JIT can keep the state in registers: with the vector in a span and G as a call
    /// taking indices, a round cost ~55 ns and a 2^32-round call (stTimeConsuming/CALLBlake2f_MaxRounds) took
    /// about four minutes. Nothing is allocated per round.
    /// </summary>
    internal static void Compress(Span<ulong> h, ReadOnlySpan<ulong> m, ulong t0, ulong t1, bool isFinalBlock, uint rounds)
    {
        if (h.Length != 8 || m.Length != 16)
        {
            throw new ArgumentException("BLAKE2b F takes an 8-word state and a 16-word message block.");
        }

        var v0 = h[0];
        var v1 = h[1];
        var v2 = h[2];
        var v3 = h[3];
        var v4 = h[4];
        var v5 = h[5];
        var v6 = h[6];
        var v7 = h[7];
        var v8 = 0x6a09e667f3bcc908UL;
        var v9 = 0xbb67ae8584caa73bUL;
        var v10 = 0x3c6ef372fe94f82bUL;
        var v11 = 0xa54ff53a5f1d36f1UL;
        var v12 = 0x510e527fade682d1UL ^ t0;
        var v13 = 0x9b05688c2b3e6c1fUL ^ t1;
        var v14 = isFinalBlock ? ~0x1f83d9abfb41bd6bUL : 0x1f83d9abfb41bd6bUL;
        var v15 = 0x5be0cd19137e2179UL;

        // Every entry of Sigma is below 16 and m has 16 words (checked above), so the message reads need no
        // bounds checks; the schedule row advances by 16 bytes a round and wraps after row 9.
        ref var m0 = ref MemoryMarshal.GetReference(m);
        ref var sigma = ref MemoryMarshal.GetReference(Sigma);
        var row = 0;
        for (uint round = 0; round < rounds; round++)
        {
            ref var s = ref Unsafe.Add(ref sigma, row);
            row = row == 144 ? 0 : row + 16;

            // Column step.
            // G0(v0, v4, v8, v12) with the message words sigma[0], sigma[1]
            v0 += v4 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 0));
            v12 = BitOperations.RotateRight(v12 ^ v0, 32);
            v8 += v12;
            v4 = BitOperations.RotateRight(v4 ^ v8, 24);
            v0 += v4 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 1));
            v12 = BitOperations.RotateRight(v12 ^ v0, 16);
            v8 += v12;
            v4 = BitOperations.RotateRight(v4 ^ v8, 63);
            // G1(v1, v5, v9, v13) with the message words sigma[2], sigma[3]
            v1 += v5 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 2));
            v13 = BitOperations.RotateRight(v13 ^ v1, 32);
            v9 += v13;
            v5 = BitOperations.RotateRight(v5 ^ v9, 24);
            v1 += v5 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 3));
            v13 = BitOperations.RotateRight(v13 ^ v1, 16);
            v9 += v13;
            v5 = BitOperations.RotateRight(v5 ^ v9, 63);
            // G2(v2, v6, v10, v14) with the message words sigma[4], sigma[5]
            v2 += v6 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 4));
            v14 = BitOperations.RotateRight(v14 ^ v2, 32);
            v10 += v14;
            v6 = BitOperations.RotateRight(v6 ^ v10, 24);
            v2 += v6 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 5));
            v14 = BitOperations.RotateRight(v14 ^ v2, 16);
            v10 += v14;
            v6 = BitOperations.RotateRight(v6 ^ v10, 63);
            // G3(v3, v7, v11, v15) with the message words sigma[6], sigma[7]
            v3 += v7 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 6));
            v15 = BitOperations.RotateRight(v15 ^ v3, 32);
            v11 += v15;
            v7 = BitOperations.RotateRight(v7 ^ v11, 24);
            v3 += v7 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 7));
            v15 = BitOperations.RotateRight(v15 ^ v3, 16);
            v11 += v15;
            v7 = BitOperations.RotateRight(v7 ^ v11, 63);

            // Diagonal step.
            // G4(v0, v5, v10, v15) with the message words sigma[8], sigma[9]
            v0 += v5 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 8));
            v15 = BitOperations.RotateRight(v15 ^ v0, 32);
            v10 += v15;
            v5 = BitOperations.RotateRight(v5 ^ v10, 24);
            v0 += v5 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 9));
            v15 = BitOperations.RotateRight(v15 ^ v0, 16);
            v10 += v15;
            v5 = BitOperations.RotateRight(v5 ^ v10, 63);
            // G5(v1, v6, v11, v12) with the message words sigma[10], sigma[11]
            v1 += v6 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 10));
            v12 = BitOperations.RotateRight(v12 ^ v1, 32);
            v11 += v12;
            v6 = BitOperations.RotateRight(v6 ^ v11, 24);
            v1 += v6 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 11));
            v12 = BitOperations.RotateRight(v12 ^ v1, 16);
            v11 += v12;
            v6 = BitOperations.RotateRight(v6 ^ v11, 63);
            // G6(v2, v7, v8, v13) with the message words sigma[12], sigma[13]
            v2 += v7 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 12));
            v13 = BitOperations.RotateRight(v13 ^ v2, 32);
            v8 += v13;
            v7 = BitOperations.RotateRight(v7 ^ v8, 24);
            v2 += v7 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 13));
            v13 = BitOperations.RotateRight(v13 ^ v2, 16);
            v8 += v13;
            v7 = BitOperations.RotateRight(v7 ^ v8, 63);
            // G7(v3, v4, v9, v14) with the message words sigma[14], sigma[15]
            v3 += v4 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 14));
            v14 = BitOperations.RotateRight(v14 ^ v3, 32);
            v9 += v14;
            v4 = BitOperations.RotateRight(v4 ^ v9, 24);
            v3 += v4 + Unsafe.Add(ref m0, Unsafe.Add(ref s, 15));
            v14 = BitOperations.RotateRight(v14 ^ v3, 16);
            v9 += v14;
            v4 = BitOperations.RotateRight(v4 ^ v9, 63);
        }

        h[0] ^= v0 ^ v8;
        h[1] ^= v1 ^ v9;
        h[2] ^= v2 ^ v10;
        h[3] ^= v3 ^ v11;
        h[4] ^= v4 ^ v12;
        h[5] ^= v5 ^ v13;
        h[6] ^= v6 ^ v14;
        h[7] ^= v7 ^ v15;
    }
}
