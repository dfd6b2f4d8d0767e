using System.Runtime.Intrinsics.X86;
using System.Text;
using CsCheck;
using Hyperion.Core.Crypto;
using Nethereum.Util;
using Implementation = Hyperion.Core.Crypto.Keccak256.Implementation;

namespace Hyperion.Core.Tests.Crypto;

/// <summary>
/// Runs each keccak-f[1600] implementation on its own, through the internal hooks, whatever the processor
/// would pick: against known answers, Nethereum, and each other. On a processor without AVX-512 the AVX-512
/// cases are simply not generated (the scalar ones still run).
/// </summary>
public sealed class Keccak256ImplementationTests
{
    /// <summary>keccak-f[1600] of the all-zero state (the Keccak team's KeccakF-1600 intermediate values).</summary>
    private static readonly ulong[] ZeroStateOnce =
    [
        0xF1258F7940E1DDE7UL, 0x84D5CCF933C0478AUL, 0xD598261EA65AA9EEUL, 0xBD1547306F80494DUL, 0x8B284E056253D057UL,
        0xFF97A42D7F8E6FD4UL, 0x90FEE5A0A44647C4UL, 0x8C5BDA0CD6192E76UL, 0xAD30A6F71B19059CUL, 0x30935AB7D08FFC64UL,
        0xEB5AA93F2317D635UL, 0xA9A6E6260D712103UL, 0x81A57C16DBCF555FUL, 0x43B831CD0347C826UL, 0x01F22F1A11A5569FUL,
        0x05E5635A21D9AE61UL, 0x64BEFEF28CC970F2UL, 0x613670957BC46611UL, 0xB87C5A554FD00ECBUL, 0x8C3EE88A1CCF32C8UL,
        0x940C7922AE3A2614UL, 0x1841F924A2C509E4UL, 0x16F53526E70465C2UL, 0x75F644E97F30A13BUL, 0xEAF1FF7B5CECA249UL,
    ];

    /// <summary>keccak-f[1600] applied twice to the all-zero state (same source).</summary>
    private static readonly ulong[] ZeroStateTwice =
    [
        0x2D5C954DF96ECB3CUL, 0x6A332CD07057B56DUL, 0x093D8D1270D76B6CUL, 0x8A20D9B25569D094UL, 0x4F9C4F99E5E7F156UL,
        0xF957B9A2DA65FB38UL, 0x85773DAE1275AF0DUL, 0xFAF4F247C3D810F7UL, 0x1F1B9EE6F79A8759UL, 0xE4FECC0FEE98B425UL,
        0x68CE61B6B9CE68A1UL, 0xDEEA66C4BA8F974FUL, 0x33C43D836EAFB1F5UL, 0xE00654042719DBD9UL, 0x7CF8A9F009831265UL,
        0xFD5449A6BF174743UL, 0x97DDAD33D8994B40UL, 0x48EAD5FC5D0BE774UL, 0xE3B8C8EE55B7B03CUL, 0x91A0226E649E42E9UL,
        0x900E3129E7BADD7BUL, 0x202A9EC5FAA3CCE8UL, 0x5B3402464E1C3DB6UL, 0x609F4E62A44C1059UL, 0x20D06CD26A8FBF5CUL,
    ];

    /// <summary>The implementations this processor can run: always the scalar one, and AVX-512 where present.</summary>
    private static readonly Implementation[] Available =
        [.. Enum.GetValues<Implementation>().Where(Keccak256.IsSupported)];

    /// <summary>Names rather than the enum itself, which is internal and so cannot be a public test parameter.</summary>
    public static TheoryData<string> Implementations => new(Available.Select(implementation => implementation.ToString()));

    public static TheoryData<string, string, string> KnownVectors
    {
        get
        {
            (string Text, string Hex)[] vectors =
            [
                ("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
                ("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
                ("The quick brown fox jumps over the lazy dog", "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"),
                ("transfer(address,uint256)", "a9059cbb2ab09eb219583f4a59a5d0623ade346d962bcd4e46b11da047c9049b"),
            ];
            var data = new TheoryData<string, string, string>();
            foreach (var implementation in Available)
            {
                foreach (var (text, hex) in vectors)
                {
                    data.Add(implementation.ToString(), text, hex);
                }
            }

            return data;
        }
    }

    [Fact]
    public void The_public_members_use_avx512_exactly_when_the_processor_has_it()
    {
        var expected = Avx512F.IsSupported && Avx512F.VL.IsSupported ? Implementation.Avx512 : Implementation.Scalar;
        Assert.Equal(expected, Keccak256.DefaultImplementation);
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void The_permutation_matches_the_keccak_team_values_for_the_zero_state(string name)
    {
        var implementation = Enum.Parse<Implementation>(name);
        var lanes = new ulong[25];
        Keccak256.Permute(lanes, implementation);
        Assert.Equal(ZeroStateOnce, lanes);
        Keccak256.Permute(lanes, implementation);
        Assert.Equal(ZeroStateTwice, lanes);
    }

    [Fact]
    public void Both_permutations_agree_on_random_states()
    {
        // Random states give every lane a distinct value, so any wrong lane move, rotation amount or blend in
        // the AVX-512 path shows up against the scalar one.
        Gen.ULong.Array[25].Sample(state =>
        {
            var scalar = (ulong[])state.Clone();
            Keccak256.Permute(scalar, Implementation.Scalar);
            foreach (var implementation in Available)
            {
                var other = (ulong[])state.Clone();
                Keccak256.Permute(other, implementation);
                Assert.Equal(scalar, other);
            }
        }, iter: 1000);
    }

    [Theory]
    [MemberData(nameof(KnownVectors))]
    public void Known_vectors(string name, string text, string expectedHex)
    {
        var implementation = Enum.Parse<Implementation>(name);
        var output = new byte[Keccak256.HashLength];
        Keccak256.Compute(Encoding.UTF8.GetBytes(text), output, implementation);
        Assert.Equal(expectedHex, Convert.ToHexStringLower(output));
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Matches_nethereum_at_every_length_up_to_five_blocks(string name)
    {
        var implementation = Enum.Parse<Implementation>(name);
        // Every length in [0, 5 * rate + 1] covers each position of the padding byte, the padding landing
        // in the last lane of a block, an empty final block, and several whole blocks before the tail.
        var nethereum = new Sha3Keccack();
        var random = new Random(4321);
        var output = new byte[Keccak256.HashLength];
        for (var length = 0; length <= (5 * Keccak256.Rate) + 1; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Keccak256.Compute(data, output, implementation);
            Assert.Equal(nethereum.CalculateHash(data), output);
        }
    }

    [Fact]
    public void All_implementations_match_nethereum_and_each_other_on_random_inputs()
    {
        var nethereum = new Sha3Keccack();
        Gen.Byte.Array[0, 3000].Sample(data =>
        {
            var expected = nethereum.CalculateHash(data);
            foreach (var implementation in Available)
            {
                var output = new byte[Keccak256.HashLength];
                Keccak256.Compute(data, output, implementation);
                Assert.Equal(expected, output);
            }
        }, iter: 500);
    }

    [Fact]
    public void Only_the_first_32_bytes_of_a_longer_output_are_written()
    {
        foreach (var implementation in Available)
        {
            var output = new byte[40];
            output.AsSpan(32).Fill(0xAB);
            Keccak256.Compute("abc"u8, output, implementation);
            Assert.Equal(Keccak256.Compute("abc"u8).ToArray(), output[..32]);
            Assert.All(output[32..], b => Assert.Equal(0xAB, b));
        }
    }

    [Theory]
    [MemberData(nameof(Implementations))]
    public void Output_shorter_than_32_bytes_is_refused(string name)
    {
        var implementation = Enum.Parse<Implementation>(name);
        Assert.Throws<ArgumentException>(() => Keccak256.Compute([1, 2, 3], new byte[31], implementation));
    }

    [Fact]
    public void Incremental_hashing_in_any_pieces_matches_nethereum_with_each_implementation()
    {
        var nethereum = new Sha3Keccack();
        Gen.Select(Gen.Byte.Array[0, 1500], Gen.Int[1, 400]).Sample((data, piece) =>
        {
            var expected = nethereum.CalculateHash(data);
            foreach (var implementation in Available)
            {
                var hasher = default(Keccak256);
                for (var offset = 0; offset < data.Length; offset += piece)
                {
                    hasher.Update(data.AsSpan(offset, Math.Min(piece, data.Length - offset)), implementation);
                }

                var output = new byte[Keccak256.HashLength];
                hasher.Finish(output, implementation);
                Assert.Equal(expected, output);
            }
        }, iter: 300);
    }

    [Fact]
    public void An_incremental_hash_may_switch_implementation_between_pieces()
    {
        // Both implementations keep the state in the same layout, so alternating them piece by piece (which
        // never happens outside tests) must still produce the one-shot hash; this pins that shared layout.
        var nethereum = new Sha3Keccack();
        Gen.Select(Gen.Byte.Array[0, 1500], Gen.Int[1, 300]).Sample((data, piece) =>
        {
            var hasher = default(Keccak256);
            var turn = 0;
            for (var offset = 0; offset < data.Length; offset += piece)
            {
                hasher.Update(data.AsSpan(offset, Math.Min(piece, data.Length - offset)), Available[turn++ % Available.Length]);
            }

            var output = new byte[Keccak256.HashLength];
            hasher.Finish(output, Available[turn % Available.Length]);
            Assert.Equal(nethereum.CalculateHash(data), output);
        }, iter: 300);
    }

    [Fact]
    public void Forcing_avx512_on_a_processor_without_it_is_refused()
    {
        if (Keccak256.IsSupported(Implementation.Avx512))
        {
            return;
        }

        Assert.Throws<PlatformNotSupportedException>(() => Keccak256.Compute([], new byte[32], Implementation.Avx512));
    }
}
