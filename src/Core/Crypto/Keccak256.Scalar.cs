using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hyperion.Core.Crypto;

public partial struct Keccak256
{
    private static ReadOnlySpan<ulong> RoundConstants =>
    [
        0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808aUL, 0x8000000080008000UL,
        0x000000000000808bUL, 0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL,
        0x000000000000008aUL, 0x0000000000000088UL, 0x0000000080008009UL, 0x000000008000000aUL,
        0x000000008000808bUL, 0x800000000000008bUL, 0x8000000000008089UL, 0x8000000000008003UL,
        0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800aUL, 0x800000008000000aUL,
        0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
    ];

    /// <summary>
    /// keccak-f[1600] in plain 64-bit arithmetic, correct on every platform and byte order. It follows XKCP's
    /// "generic64" shape: two copies of the state, A and E, each round computing one from the other plane by
    /// plane (theta's effect, rho and pi gather five lanes, chi and iota finish the plane), two rounds per
    /// loop pass so that the copies swap roles without moves. Finishing an output plane from five freshly
    /// gathered lanes keeps few values alive at once, so the JIT spills far less than it did for a round
    /// that first computed all 25 rho/pi lanes and then chi (about 1.3 times the throughput on x64).
    /// </summary>
    private readonly struct ScalarPermutation : IPermutation
    {
        public static void Absorb(ref State state, ReadOnlySpan<byte> blocks)
        {
            while (blocks.Length >= Rate)
            {
                Span<ulong> lanes = state;
                if (BitConverter.IsLittleEndian)
                {
                    // Constant indices (lane x + 5y lives at 8y + x) let the JIT drop the bounds checks.
                    var words = MemoryMarshal.Cast<byte, ulong>(blocks[..Rate]);
                    lanes[0] ^= words[0]; lanes[1] ^= words[1]; lanes[2] ^= words[2]; lanes[3] ^= words[3]; lanes[4] ^= words[4];
                    lanes[8] ^= words[5]; lanes[9] ^= words[6]; lanes[10] ^= words[7]; lanes[11] ^= words[8]; lanes[12] ^= words[9];
                    lanes[16] ^= words[10]; lanes[17] ^= words[11]; lanes[18] ^= words[12]; lanes[19] ^= words[13]; lanes[20] ^= words[14];
                    lanes[24] ^= words[15]; lanes[25] ^= words[16];
                }
                else
                {
                    for (var i = 0; i < RateLanes; i++)
                    {
                        lanes[State.Index(i)] ^= BinaryPrimitives.ReadUInt64LittleEndian(blocks[(i * 8)..]);
                    }
                }

                Permute(ref state);
                blocks = blocks[Rate..];
            }
        }

        [SkipLocalsInit]
        public static void Permute(ref State state)
        {
            Span<ulong> s = state;
            ulong a00 = s[0], a01 = s[1], a02 = s[2], a03 = s[3], a04 = s[4];
            ulong a05 = s[8], a06 = s[9], a07 = s[10], a08 = s[11], a09 = s[12];
            ulong a10 = s[16], a11 = s[17], a12 = s[18], a13 = s[19], a14 = s[20];
            ulong a15 = s[24], a16 = s[25], a17 = s[26], a18 = s[27], a19 = s[28];
            ulong a20 = s[32], a21 = s[33], a22 = s[34], a23 = s[35], a24 = s[36];
            ulong e00, e01, e02, e03, e04, e05, e06, e07, e08, e09, e10, e11, e12;
            ulong e13, e14, e15, e16, e17, e18, e19, e20, e21, e22, e23, e24;
            ulong c0, c1, c2, c3, c4, d0, d1, d2, d3, d4, b0, b1, b2, b3, b4;
            var rc = RoundConstants;

            for (var round = 0; round < 24; round += 2)
            {
                // Round 2k: A to E.
                // theta: column parities and the effect on each column
                c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20;
                c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21;
                c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22;
                c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23;
                c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24;
                d0 = c4 ^ ulong.RotateLeft(c1, 1);
                d1 = c0 ^ ulong.RotateLeft(c2, 1);
                d2 = c1 ^ ulong.RotateLeft(c3, 1);
                d3 = c2 ^ ulong.RotateLeft(c4, 1);
                d4 = c3 ^ ulong.RotateLeft(c0, 1);
                // plane 0 of the result: rho and pi gather lanes (0,0), (1,1), (2,2), (3,3), (4,4), then chi and iota
                b0 = a00 ^ d0; b1 = ulong.RotateLeft(a06 ^ d1, 44); b2 = ulong.RotateLeft(a12 ^ d2, 43);
                b3 = ulong.RotateLeft(a18 ^ d3, 21); b4 = ulong.RotateLeft(a24 ^ d4, 14);
                e00 = b0 ^ (~b1 & b2) ^ rc[round];
                e01 = b1 ^ (~b2 & b3);
                e02 = b2 ^ (~b3 & b4);
                e03 = b3 ^ (~b4 & b0);
                e04 = b4 ^ (~b0 & b1);
                // plane 1 of the result: rho and pi gather lanes (3,0), (4,1), (0,2), (1,3), (2,4), then chi
                b0 = ulong.RotateLeft(a03 ^ d3, 28); b1 = ulong.RotateLeft(a09 ^ d4, 20); b2 = ulong.RotateLeft(a10 ^ d0, 3);
                b3 = ulong.RotateLeft(a16 ^ d1, 45); b4 = ulong.RotateLeft(a22 ^ d2, 61);
                e05 = b0 ^ (~b1 & b2);
                e06 = b1 ^ (~b2 & b3);
                e07 = b2 ^ (~b3 & b4);
                e08 = b3 ^ (~b4 & b0);
                e09 = b4 ^ (~b0 & b1);
                // plane 2 of the result: rho and pi gather lanes (1,0), (2,1), (3,2), (4,3), (0,4), then chi
                b0 = ulong.RotateLeft(a01 ^ d1, 1); b1 = ulong.RotateLeft(a07 ^ d2, 6); b2 = ulong.RotateLeft(a13 ^ d3, 25);
                b3 = ulong.RotateLeft(a19 ^ d4, 8); b4 = ulong.RotateLeft(a20 ^ d0, 18);
                e10 = b0 ^ (~b1 & b2);
                e11 = b1 ^ (~b2 & b3);
                e12 = b2 ^ (~b3 & b4);
                e13 = b3 ^ (~b4 & b0);
                e14 = b4 ^ (~b0 & b1);
                // plane 3 of the result: rho and pi gather lanes (4,0), (0,1), (1,2), (2,3), (3,4), then chi
                b0 = ulong.RotateLeft(a04 ^ d4, 27); b1 = ulong.RotateLeft(a05 ^ d0, 36); b2 = ulong.RotateLeft(a11 ^ d1, 10);
                b3 = ulong.RotateLeft(a17 ^ d2, 15); b4 = ulong.RotateLeft(a23 ^ d3, 56);
                e15 = b0 ^ (~b1 & b2);
                e16 = b1 ^ (~b2 & b3);
                e17 = b2 ^ (~b3 & b4);
                e18 = b3 ^ (~b4 & b0);
                e19 = b4 ^ (~b0 & b1);
                // plane 4 of the result: rho and pi gather lanes (2,0), (3,1), (4,2), (0,3), (1,4), then chi
                b0 = ulong.RotateLeft(a02 ^ d2, 62); b1 = ulong.RotateLeft(a08 ^ d3, 55); b2 = ulong.RotateLeft(a14 ^ d4, 39);
                b3 = ulong.RotateLeft(a15 ^ d0, 41); b4 = ulong.RotateLeft(a21 ^ d1, 2);
                e20 = b0 ^ (~b1 & b2);
                e21 = b1 ^ (~b2 & b3);
                e22 = b2 ^ (~b3 & b4);
                e23 = b3 ^ (~b4 & b0);
                e24 = b4 ^ (~b0 & b1);

                // Round 2k + 1: E back to A.
                // theta: column parities and the effect on each column
                c0 = e00 ^ e05 ^ e10 ^ e15 ^ e20;
                c1 = e01 ^ e06 ^ e11 ^ e16 ^ e21;
                c2 = e02 ^ e07 ^ e12 ^ e17 ^ e22;
                c3 = e03 ^ e08 ^ e13 ^ e18 ^ e23;
                c4 = e04 ^ e09 ^ e14 ^ e19 ^ e24;
                d0 = c4 ^ ulong.RotateLeft(c1, 1);
                d1 = c0 ^ ulong.RotateLeft(c2, 1);
                d2 = c1 ^ ulong.RotateLeft(c3, 1);
                d3 = c2 ^ ulong.RotateLeft(c4, 1);
                d4 = c3 ^ ulong.RotateLeft(c0, 1);
                // plane 0 of the result: rho and pi gather lanes (0,0), (1,1), (2,2), (3,3), (4,4), then chi and iota
                b0 = e00 ^ d0; b1 = ulong.RotateLeft(e06 ^ d1, 44); b2 = ulong.RotateLeft(e12 ^ d2, 43);
                b3 = ulong.RotateLeft(e18 ^ d3, 21); b4 = ulong.RotateLeft(e24 ^ d4, 14);
                a00 = b0 ^ (~b1 & b2) ^ rc[round + 1];
                a01 = b1 ^ (~b2 & b3);
                a02 = b2 ^ (~b3 & b4);
                a03 = b3 ^ (~b4 & b0);
                a04 = b4 ^ (~b0 & b1);
                // plane 1 of the result: rho and pi gather lanes (3,0), (4,1), (0,2), (1,3), (2,4), then chi
                b0 = ulong.RotateLeft(e03 ^ d3, 28); b1 = ulong.RotateLeft(e09 ^ d4, 20); b2 = ulong.RotateLeft(e10 ^ d0, 3);
                b3 = ulong.RotateLeft(e16 ^ d1, 45); b4 = ulong.RotateLeft(e22 ^ d2, 61);
                a05 = b0 ^ (~b1 & b2);
                a06 = b1 ^ (~b2 & b3);
                a07 = b2 ^ (~b3 & b4);
                a08 = b3 ^ (~b4 & b0);
                a09 = b4 ^ (~b0 & b1);
                // plane 2 of the result: rho and pi gather lanes (1,0), (2,1), (3,2), (4,3), (0,4), then chi
                b0 = ulong.RotateLeft(e01 ^ d1, 1); b1 = ulong.RotateLeft(e07 ^ d2, 6); b2 = ulong.RotateLeft(e13 ^ d3, 25);
                b3 = ulong.RotateLeft(e19 ^ d4, 8); b4 = ulong.RotateLeft(e20 ^ d0, 18);
                a10 = b0 ^ (~b1 & b2);
                a11 = b1 ^ (~b2 & b3);
                a12 = b2 ^ (~b3 & b4);
                a13 = b3 ^ (~b4 & b0);
                a14 = b4 ^ (~b0 & b1);
                // plane 3 of the result: rho and pi gather lanes (4,0), (0,1), (1,2), (2,3), (3,4), then chi
                b0 = ulong.RotateLeft(e04 ^ d4, 27); b1 = ulong.RotateLeft(e05 ^ d0, 36); b2 = ulong.RotateLeft(e11 ^ d1, 10);
                b3 = ulong.RotateLeft(e17 ^ d2, 15); b4 = ulong.RotateLeft(e23 ^ d3, 56);
                a15 = b0 ^ (~b1 & b2);
                a16 = b1 ^ (~b2 & b3);
                a17 = b2 ^ (~b3 & b4);
                a18 = b3 ^ (~b4 & b0);
                a19 = b4 ^ (~b0 & b1);
                // plane 4 of the result: rho and pi gather lanes (2,0), (3,1), (4,2), (0,3), (1,4), then chi
                b0 = ulong.RotateLeft(e02 ^ d2, 62); b1 = ulong.RotateLeft(e08 ^ d3, 55); b2 = ulong.RotateLeft(e14 ^ d4, 39);
                b3 = ulong.RotateLeft(e15 ^ d0, 41); b4 = ulong.RotateLeft(e21 ^ d1, 2);
                a20 = b0 ^ (~b1 & b2);
                a21 = b1 ^ (~b2 & b3);
                a22 = b2 ^ (~b3 & b4);
                a23 = b3 ^ (~b4 & b0);
                a24 = b4 ^ (~b0 & b1);
            }

            s[0] = a00; s[1] = a01; s[2] = a02; s[3] = a03; s[4] = a04;
            s[8] = a05; s[9] = a06; s[10] = a07; s[11] = a08; s[12] = a09;
            s[16] = a10; s[17] = a11; s[18] = a12; s[19] = a13; s[20] = a14;
            s[24] = a15; s[25] = a16; s[26] = a17; s[27] = a18; s[28] = a19;
            s[32] = a20; s[33] = a21; s[34] = a22; s[35] = a23; s[36] = a24;
        }
    }
}
