using System.Buffers.Binary;
using Hyperion.Core;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm.Benchmarks;

/// <summary>
/// The blake2f precompile (0x09) in rounds per second: the rewritten compression through the precompile's entry,
/// the previous implementation (kept in <see cref="Blake2FBaseline"/>) and Nethereum's built-in precompile, on
/// the EIP-152 "abc" block with 100,000 rounds a call, after checking that all three give the same output.
/// </summary>
internal static class Blake2FBenchmark
{
    private const uint Rounds = 100_000;

    /// <summary>stTimeConsuming/CALLBlake2f_MaxRounds calls F with 2^32 - 1 rounds.</summary>
    private const double MaxRounds = uint.MaxValue;

    // EIP-152 test vector 5 with the round count replaced.
    private const string AbcInput =
        "0000000c48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e13"
        + "19cde05b616263000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        + "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        + "000000000300000000000000000000000000000001";

    public static void Run(Harness harness, Summary summary)
    {
        var input = Hex.Decode(AbcInput);
        BinaryPrimitives.WriteUInt32BigEndian(input, Rounds);

        byte[] After()
        {
            CallBenchmarks.Check(Blake2FPrecompile.Instance.TryRun(input, out var output), "blake2f: the precompile refused its input");
            return output;
        }

        byte[] Before()
        {
            Span<ulong> h = stackalloc ulong[8];
            Span<ulong> m = stackalloc ulong[16];
            for (var i = 0; i < 8; i++)
            {
                h[i] = BinaryPrimitives.ReadUInt64LittleEndian(input.AsSpan(4 + (8 * i)));
            }

            for (var i = 0; i < 16; i++)
            {
                m[i] = BinaryPrimitives.ReadUInt64LittleEndian(input.AsSpan(68 + (8 * i)));
            }

            Blake2FBaseline.Compress(
                h,
                m,
                BinaryPrimitives.ReadUInt64LittleEndian(input.AsSpan(196)),
                BinaryPrimitives.ReadUInt64LittleEndian(input.AsSpan(204)),
                input[212] == 1,
                BinaryPrimitives.ReadUInt32BigEndian(input));
            var output = new byte[64];
            for (var i = 0; i < 8; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(output.AsSpan(8 * i), h[i]);
            }

            return output;
        }

        var address = StandardPrecompiles.Blake2FAddress.ToLowerHex();
        byte[] Peer() => NethereumEvm.RunPrecompile(address, input);

        var expected = After();
        CallBenchmarks.Check(Before().AsSpan().SequenceEqual(expected), "blake2f: the previous implementation disagrees with the new one");
        CallBenchmarks.Check(Peer().AsSpan().SequenceEqual(expected), "blake2f: Nethereum's precompile disagrees with ours");

        var (afterRate, beforeRate) = harness.Compare(() => After()[0], () => Before()[0]);
        var (afterAgain, peerRate) = harness.Compare(() => After()[0], () => Peer()[0]);
        var (after, before, peer) = (afterRate * Rounds, beforeRate * Rounds, peerRate * Rounds);
        var peerRatio = afterAgain / peerRate;
        Console.WriteLine($"blake2f precompile: {Rounds:N0} rounds a call; same output from all three");
        Console.WriteLine($"  ours, rewritten   {after / 1e6,8:N2} M rounds/s  {1e9 / after,6:N1} ns/round  (2^32-1 rounds: {MaxRounds / after,5:N0} s)");
        Console.WriteLine($"  ours, before      {before / 1e6,8:N2} M rounds/s  {1e9 / before,6:N1} ns/round  (2^32-1 rounds: {MaxRounds / before,5:N0} s)");
        Console.WriteLine($"  Nethereum         {peer / 1e6,8:N2} M rounds/s  {1e9 / peer,6:N1} ns/round");
        Console.WriteLine($"  rewritten / before {after / before:F2}x, rewritten / Nethereum {peerRatio:F2}x (each ratio from its own alternating measurement)");
        summary.Add(new SummaryRow(
            "blake2f rounds (rewritten vs before)",
            $"{after / 1e6:N2} M rounds/s ({1e9 / after:N1} ns)",
            $"before {before / 1e6:N2} M rounds/s ({1e9 / before:N1} ns)",
            $"{after / before:F2}x",
            "faster",
            Summary.Verdict(after / before, 1)));
        summary.Add(new SummaryRow(
            "blake2f rounds vs Nethereum.EVM",
            $"{after / 1e6:N2} M rounds/s",
            $"{peer / 1e6:N2} M rounds/s",
            $"{peerRatio:F2}x",
            "-",
            "-"));
    }
}
