using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hyperion.Core.Crypto;

public partial struct Keccak256
{
    /// <summary>
    /// keccak-f[1600] on AVX-512, after the idea of XKCP's KeccakP-1600-AVX512 "plain" layout: the state is
    /// five 512-bit registers of five lanes each (elements 5 to 7 are never read into elements 0 to 4, so they
    /// may hold anything), and every step is a handful of whole-register operations: xor of three with one
    /// vpternlogq (imm 0x96), chi's a ^ (~b &amp; c) with one vpternlogq (imm 0xD2), rho with one vprolvq,
    /// lane moves with vpermq. A single hash is one long dependency chain, so what bounds the speed is the
    /// latency of the lane moves, which all queue for one port (port 5 on Intel cores); the rounds therefore
    /// alternate between two layouts so that no round needs a full transposition:
    /// <list type="bullet">
    /// <item>Even rounds take planes (register y holds lanes (x, y) at element x). Theta is plain; pi sends
    /// plane y to column y, so one move per register makes columns (register x holds lanes (x, y) at element
    /// y), in which chi works element by element across registers.</item>
    /// <item>Odd rounds first blend the columns into diagonals (register j holds lanes (x, x + j) at element
    /// x after one move), again plain for theta. Pi then needs no move at all: diagonal j becomes row 3j, whose
    /// element x holds x' = x + j. Chi needs each row shifted by one and two lanes; shifting by x' - j instead
    /// also puts every lane back at element x', so the round ends in planes again.</item>
    /// </list>
    /// Against a full transposition back to planes every round (unpacks and two-source permutes: 18 lane
    /// moves a round), this needs 12.5 moves and 10 blends a round and hashes about 10 % faster; it is about
    /// 15 % faster than the scalar code, which itself is bound by instruction throughput, not latency.
    /// </summary>
    private readonly struct Avx512Permutation : IPermutation
    {
        public static bool IsSupported => Avx512F.IsSupported && Avx512F.VL.IsSupported;

        public static void Absorb(ref State state, ReadOnlySpan<byte> blocks)
        {
            Span<ulong> lanes = state;
            var p0 = Vector512.Create<ulong>(lanes[..8]);
            var p1 = Vector512.Create<ulong>(lanes[8..16]);
            var p2 = Vector512.Create<ulong>(lanes[16..24]);
            var p3 = Vector512.Create<ulong>(lanes[24..32]);
            var p4 = Vector512.Create<ulong>(lanes[32..40]);
            while (blocks.Length >= Rate)
            {
                // Lanes 0-4 and 5-9 come straight from overlapping loads (their elements 5 to 7 carry the next
                // lanes along, harmlessly); lanes 10-14 from a load that ends at the block's end, moved down one;
                // lanes 15 and 16 from a 16-byte load, which clears the rest of the register.
                var words = MemoryMarshal.Cast<byte, ulong>(blocks[..Rate]);
                p0 ^= Vector512.Create<ulong>(words[..8]);
                p1 ^= Vector512.Create<ulong>(words[5..13]);
                p2 ^= Avx512F.PermuteVar8x64(Vector512.Create<ulong>(words[9..17]), Vector512.Create(1UL, 2, 3, 4, 5, 0, 0, 0));
                p3 ^= Vector128.Create<ulong>(words[15..17]).ToVector256().ToVector512();
                Permute(ref p0, ref p1, ref p2, ref p3, ref p4);
                blocks = blocks[Rate..];
            }

            p0.CopyTo(lanes[..8]);
            p1.CopyTo(lanes[8..16]);
            p2.CopyTo(lanes[16..24]);
            p3.CopyTo(lanes[24..32]);
            p4.CopyTo(lanes[32..40]);
        }

        /// <summary>One permutation of a state in memory; only the tests' permutation hook needs it.</summary>
        public static void Permute(ref State state)
        {
            Span<ulong> lanes = state;
            var p0 = Vector512.Create<ulong>(lanes[..8]);
            var p1 = Vector512.Create<ulong>(lanes[8..16]);
            var p2 = Vector512.Create<ulong>(lanes[16..24]);
            var p3 = Vector512.Create<ulong>(lanes[24..32]);
            var p4 = Vector512.Create<ulong>(lanes[32..40]);
            Permute(ref p0, ref p1, ref p2, ref p3, ref p4);
            p0.CopyTo(lanes[..8]);
            p1.CopyTo(lanes[8..16]);
            p2.CopyTo(lanes[16..24]);
            p3.CopyTo(lanes[24..32]);
            p4.CopyTo(lanes[32..40]);
        }

        /// <summary>The 24 rounds over planes p0 to p4 (register y holds lane (x, y) at element x).</summary>
        /// <remarks>
        /// Written with intrinsics and constants only, no helper methods: the body is large enough that a
        /// fully optimizing JIT without tiering (TieredCompilation off, or no profile yet) runs out of inlining
        /// budget and would leave small helpers as calls, spilling all five planes around each one.
        /// </remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Permute(
            ref Vector512<ulong> p0, ref Vector512<ulong> p1, ref Vector512<ulong> p2, ref Vector512<ulong> p3, ref Vector512<ulong> p4)
        {
            // rotateK: element i of the result is element i + k (mod 5) of the source, for i < 5 (vpermq indices).
            var rotate1 = Vector512.Create(1UL, 2, 3, 4, 0, 5, 6, 7);
            var rotate2 = Vector512.Create(2UL, 3, 4, 0, 1, 5, 6, 7);
            var rotate3 = Vector512.Create(3UL, 4, 0, 1, 2, 5, 6, 7);
            var rotate4 = Vector512.Create(4UL, 0, 1, 2, 3, 5, 6, 7);

            // Blend masks (vpblendmq in the end): the elements taken from the second operand.
            var element1 = Vector512.Create(0UL, ulong.MaxValue, 0, 0, 0, 0, 0, 0);
            var element3 = Vector512.Create(0UL, 0, 0, ulong.MaxValue, 0, 0, 0, 0);
            var elements23 = Vector512.Create(0UL, 0, ulong.MaxValue, ulong.MaxValue, 0, 0, 0, 0);
            var element4 = Vector512.Create(0UL, 0, 0, 0, ulong.MaxValue, 0, 0, 0);

            var rc = RoundConstants;
            for (var round = 0; round < 24; round += 2)
            {
                // Even round, planes to columns. Theta: C[x-1] ^ ROL(C[x+1], 1) goes into every plane (0x96 is
                // the three-way xor).
                var c = Avx512F.TernaryLogic(Avx512F.TernaryLogic(p0, p1, p2, 0x96), p3, p4, 0x96);
                var cLeft = Avx512F.PermuteVar8x64(c, rotate4);
                var cRight = Avx512F.PermuteVar8x64(Avx512F.RotateLeft(c, 1), rotate1);

                // Rho in place, then pi within each register: plane y becomes column y, element y' holding lane
                // x = 3y' + y (mod 5).
                var q0 = Avx512F.PermuteVar8x64(
                    Avx512F.RotateLeftVariable(Avx512F.TernaryLogic(p0, cLeft, cRight, 0x96), Vector512.Create(0UL, 1, 62, 28, 27, 0, 0, 0)),
                    Vector512.Create(0UL, 3, 1, 4, 2, 5, 6, 7));
                var q1 = Avx512F.PermuteVar8x64(
                    Avx512F.RotateLeftVariable(Avx512F.TernaryLogic(p1, cLeft, cRight, 0x96), Vector512.Create(36UL, 44, 6, 55, 20, 0, 0, 0)),
                    Vector512.Create(1UL, 4, 2, 0, 3, 5, 6, 7));
                var q2 = Avx512F.PermuteVar8x64(
                    Avx512F.RotateLeftVariable(Avx512F.TernaryLogic(p2, cLeft, cRight, 0x96), Vector512.Create(3UL, 10, 43, 25, 39, 0, 0, 0)),
                    Vector512.Create(2UL, 0, 3, 1, 4, 5, 6, 7));
                var q3 = Avx512F.PermuteVar8x64(
                    Avx512F.RotateLeftVariable(Avx512F.TernaryLogic(p3, cLeft, cRight, 0x96), Vector512.Create(41UL, 45, 15, 21, 8, 0, 0, 0)),
                    Vector512.Create(3UL, 1, 4, 2, 0, 5, 6, 7));
                var q4 = Avx512F.PermuteVar8x64(
                    Avx512F.RotateLeftVariable(Avx512F.TernaryLogic(p4, cLeft, cRight, 0x96), Vector512.Create(18UL, 2, 61, 56, 14, 0, 0, 0)),
                    Vector512.Create(4UL, 2, 0, 3, 1, 5, 6, 7));

                // Chi across columns (0xD2 is a ^ (~b & c)); iota goes into lane (0, 0) through the first operand
                // only, which is off the critical path.
                var e0 = Avx512F.TernaryLogic(q0 ^ Vector512.CreateScalar(rc[round]), q1, q2, 0xD2);
                var e1 = Avx512F.TernaryLogic(q1, q2, q3, 0xD2);
                var e2 = Avx512F.TernaryLogic(q2, q3, q4, 0xD2);
                var e3 = Avx512F.TernaryLogic(q3, q4, q0, 0xD2);
                var e4 = Avx512F.TernaryLogic(q4, q0, q1, 0xD2);

                // Odd round, columns to planes. Diagonal j takes element p of column p - j (lane (p - j, p)) for
                // every p by blends, which move nothing, and is then rotated so that element x holds lane
                // (x, x + j). The blends pair up as (0 1) (2 3), then those two, then element 4.
                var g0 = Avx512F.BlendVariable(Avx512F.BlendVariable(e0, e1, element1), Avx512F.BlendVariable(e2, e3, element3), elements23);
                var d0 = Avx512F.BlendVariable(g0, e4, element4);
                var g1 = Avx512F.BlendVariable(Avx512F.BlendVariable(e4, e0, element1), Avx512F.BlendVariable(e1, e2, element3), elements23);
                var d1 = Avx512F.PermuteVar8x64(Avx512F.BlendVariable(g1, e3, element4), rotate1);
                var g2 = Avx512F.BlendVariable(Avx512F.BlendVariable(e3, e4, element1), Avx512F.BlendVariable(e0, e1, element3), elements23);
                var d2 = Avx512F.PermuteVar8x64(Avx512F.BlendVariable(g2, e2, element4), rotate2);
                var g3 = Avx512F.BlendVariable(Avx512F.BlendVariable(e2, e3, element1), Avx512F.BlendVariable(e4, e0, element3), elements23);
                var d3 = Avx512F.PermuteVar8x64(Avx512F.BlendVariable(g3, e1, element4), rotate3);
                var g4 = Avx512F.BlendVariable(Avx512F.BlendVariable(e1, e2, element1), Avx512F.BlendVariable(e3, e4, element3), elements23);
                var d4 = Avx512F.PermuteVar8x64(Avx512F.BlendVariable(g4, e0, element4), rotate4);

                c = Avx512F.TernaryLogic(Avx512F.TernaryLogic(d0, d1, d2, 0x96), d3, d4, 0x96);
                cLeft = Avx512F.PermuteVar8x64(c, rotate4);
                cRight = Avx512F.PermuteVar8x64(Avx512F.RotateLeft(c, 1), rotate1);
                var r0 = Avx512F.RotateLeftVariable(
                    Avx512F.TernaryLogic(d0, cLeft, cRight, 0x96), Vector512.Create(0UL, 44, 43, 21, 14, 0, 0, 0));
                var r1 = Avx512F.RotateLeftVariable(
                    Avx512F.TernaryLogic(d1, cLeft, cRight, 0x96), Vector512.Create(36UL, 10, 15, 56, 27, 0, 0, 0));
                var r2 = Avx512F.RotateLeftVariable(
                    Avx512F.TernaryLogic(d2, cLeft, cRight, 0x96), Vector512.Create(3UL, 45, 61, 28, 20, 0, 0, 0));
                var r3 = Avx512F.RotateLeftVariable(
                    Avx512F.TernaryLogic(d3, cLeft, cRight, 0x96), Vector512.Create(41UL, 2, 62, 55, 39, 0, 0, 0));
                var r4 = Avx512F.RotateLeftVariable(
                    Avx512F.TernaryLogic(d4, cLeft, cRight, 0x96), Vector512.Create(18UL, 1, 6, 25, 8, 0, 0, 0));

                // Pi made r_j row 3j with x' = x + j at element x; chi reads x', x' + 1 and x' + 2 from elements
                // x' - j, x' + 1 - j and x' + 2 - j, which also realigns the row into plane 3j. The planes are
                // produced in the order the next round's column parity consumes them.
                p0 = Avx512F.TernaryLogic(
                    r0 ^ Vector512.CreateScalar(rc[round + 1]), Avx512F.PermuteVar8x64(r0, rotate1), Avx512F.PermuteVar8x64(r0, rotate2), 0xD2);
                p1 = Avx512F.TernaryLogic(Avx512F.PermuteVar8x64(r2, rotate3), Avx512F.PermuteVar8x64(r2, rotate4), r2, 0xD2);
                p2 = Avx512F.TernaryLogic(
                    Avx512F.PermuteVar8x64(r4, rotate1), Avx512F.PermuteVar8x64(r4, rotate2), Avx512F.PermuteVar8x64(r4, rotate3), 0xD2);
                p3 = Avx512F.TernaryLogic(Avx512F.PermuteVar8x64(r1, rotate4), r1, Avx512F.PermuteVar8x64(r1, rotate1), 0xD2);
                p4 = Avx512F.TernaryLogic(
                    Avx512F.PermuteVar8x64(r3, rotate2), Avx512F.PermuteVar8x64(r3, rotate3), Avx512F.PermuteVar8x64(r3, rotate4), 0xD2);
            }
        }
    }
}
