using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Hyperion.Core.Crypto;

/// <summary>
/// Keccak-256 as Ethereum uses it (the original Keccak padding 0x01, not SHA3's 0x06), over spans,
/// with no allocation per call. <see cref="Compute(ReadOnlySpan{byte})"/> hashes in one go; the
/// <see cref="Keccak256"/> value is an incremental hasher for data that arrives in pieces.
/// </summary>
/// <remarks>
/// keccak-f[1600] has two implementations: an AVX-512 one (Keccak256.Avx512.cs), chosen when the processor
/// has AVX-512F and AVX-512VL, and a portable scalar one (Keccak256.Scalar.cs) everywhere else. Both keep
/// the state in the same <see cref="State"/> layout, so either can continue what the other started.
/// </remarks>
public partial struct Keccak256
{
    public const int HashLength = 32;

    /// <summary>136 bytes: 1600-bit state minus twice the 256-bit capacity.</summary>
    public const int Rate = 136;

    private const int RateLanes = Rate / 8;

    // Declared before OfEmpty and OfEmptyList, whose initializers hash and so read it; being static readonly,
    // tiered JIT folds the tests of it to constants and drops the path that is not taken.
    private static readonly bool UseAvx512 = Avx512Permutation.IsSupported;

    private State _state;
    private Block _pending;
    private int _pendingLength;

    /// <summary>The Keccak-256 of empty input: c5d2…a470.</summary>
    public static readonly Hash256 OfEmpty = Compute([]);

    /// <summary>Keccak-256 of the RLP of an empty list (the empty ommers hash): 1dcc…9347.</summary>
    public static readonly Hash256 OfEmptyList = Compute([0xc0]);

    /// <summary>The keccak-f[1600] implementations, for tests that run each one whatever the processor picks.</summary>
    internal enum Implementation
    {
        Scalar,
        Avx512,
    }

    /// <summary>The implementation that the public members use on this processor.</summary>
    internal static Implementation DefaultImplementation => UseAvx512 ? Implementation.Avx512 : Implementation.Scalar;

    /// <summary>A keccak-f[1600] implementation, over <see cref="State"/> and blocks of <see cref="Rate"/> bytes.</summary>
    private interface IPermutation
    {
        /// <summary>XORs each block of <paramref name="blocks"/> (a multiple of <see cref="Rate"/> bytes) into the state and permutes after each.</summary>
        static abstract void Absorb(ref State state, ReadOnlySpan<byte> blocks);

        static abstract void Permute(ref State state);
    }

    public static Hash256 Compute(ReadOnlySpan<byte> input)
    {
        Span<byte> output = stackalloc byte[HashLength];
        Compute(input, output);
        return new Hash256(output);
    }

    /// <summary>Hashes <paramref name="input"/> into the first 32 bytes of <paramref name="output"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (UseAvx512)
        {
            Compute<Avx512Permutation>(input, output);
        }
        else
        {
            Compute<ScalarPermutation>(input, output);
        }
    }

    /// <summary>Adds more input to an incremental hash.</summary>
    public void Update(ReadOnlySpan<byte> input)
    {
        if (UseAvx512)
        {
            Update<Avx512Permutation>(input);
        }
        else
        {
            Update<ScalarPermutation>(input);
        }
    }

    /// <summary>Finishes an incremental hash; the hasher must not be used afterwards without <see cref="Reset"/>.</summary>
    public void Finish(Span<byte> output)
    {
        if (UseAvx512)
        {
            Finish<Avx512Permutation>(output);
        }
        else
        {
            Finish<ScalarPermutation>(output);
        }
    }

    public Hash256 Finish()
    {
        Span<byte> output = stackalloc byte[HashLength];
        Finish(output);
        return new Hash256(output);
    }

    public void Reset() => this = default;

    internal static bool IsSupported(Implementation implementation) =>
        implementation == Implementation.Scalar || Avx512Permutation.IsSupported;

    /// <summary><see cref="Compute(ReadOnlySpan{byte}, Span{byte})"/> with the given implementation.</summary>
    internal static void Compute(ReadOnlySpan<byte> input, Span<byte> output, Implementation implementation)
    {
        if (Select(implementation))
        {
            Compute<Avx512Permutation>(input, output);
        }
        else
        {
            Compute<ScalarPermutation>(input, output);
        }
    }

    /// <summary><see cref="Update(ReadOnlySpan{byte})"/> with the given implementation.</summary>
    internal void Update(ReadOnlySpan<byte> input, Implementation implementation)
    {
        if (Select(implementation))
        {
            Update<Avx512Permutation>(input);
        }
        else
        {
            Update<ScalarPermutation>(input);
        }
    }

    /// <summary><see cref="Finish(Span{byte})"/> with the given implementation.</summary>
    internal void Finish(Span<byte> output, Implementation implementation)
    {
        if (Select(implementation))
        {
            Finish<Avx512Permutation>(output);
        }
        else
        {
            Finish<ScalarPermutation>(output);
        }
    }

    /// <summary>keccak-f[1600] alone over 25 lanes (lane x + 5y at index x + 5y), with the given implementation.</summary>
    internal static void Permute(Span<ulong> lanes, Implementation implementation)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(lanes.Length, 25, nameof(lanes));
        var state = default(State);
        for (var i = 0; i < 25; i++)
        {
            state[State.Index(i)] = lanes[i];
        }

        if (Select(implementation))
        {
            Avx512Permutation.Permute(ref state);
        }
        else
        {
            ScalarPermutation.Permute(ref state);
        }

        for (var i = 0; i < 25; i++)
        {
            lanes[i] = state[State.Index(i)];
        }
    }

    private static bool Select(Implementation implementation)
    {
        if (implementation == Implementation.Scalar)
        {
            return false;
        }

        if (!Avx512Permutation.IsSupported)
        {
            throw new PlatformNotSupportedException("This processor lacks AVX-512F or AVX-512VL.");
        }

        return true;
    }

    private static void Compute<TPermutation>(ReadOnlySpan<byte> input, Span<byte> output)
        where TPermutation : IPermutation
    {
        if (output.Length < HashLength)
        {
            throw new ArgumentException("The output needs 32 bytes.", nameof(output));
        }

        var state = default(State);
        var whole = input.Length - (input.Length % Rate);
        if (whole > 0)
        {
            TPermutation.Absorb(ref state, input[..whole]);
        }

        Block last = default;
        Span<byte> lastBytes = last;
        input[whole..].CopyTo(lastBytes);
        lastBytes[input.Length - whole] ^= 0x01;
        lastBytes[Rate - 1] ^= 0x80;
        TPermutation.Absorb(ref state, lastBytes);
        Squeeze(ref state, output);
    }

    private void Update<TPermutation>(ReadOnlySpan<byte> input)
        where TPermutation : IPermutation
    {
        Span<byte> pending = _pending;
        if (_pendingLength > 0)
        {
            var take = Math.Min(Rate - _pendingLength, input.Length);
            input[..take].CopyTo(pending[_pendingLength..]);
            _pendingLength += take;
            input = input[take..];
            if (_pendingLength < Rate)
            {
                return;
            }

            TPermutation.Absorb(ref _state, pending);
            _pendingLength = 0;
        }

        var whole = input.Length - (input.Length % Rate);
        if (whole > 0)
        {
            TPermutation.Absorb(ref _state, input[..whole]);
        }

        input[whole..].CopyTo(pending);
        _pendingLength = input.Length - whole;
    }

    private void Finish<TPermutation>(Span<byte> output)
        where TPermutation : IPermutation
    {
        Span<byte> pending = _pending;
        pending[_pendingLength..].Clear();
        pending[_pendingLength] ^= 0x01;
        pending[Rate - 1] ^= 0x80;
        TPermutation.Absorb(ref _state, pending);
        Squeeze(ref _state, output);
    }

    private static void Squeeze(ref State state, Span<byte> output)
    {
        // The first four lanes are the first four of plane 0, so they sit at indices 0 to 3 in either layout.
        Span<ulong> lanes = state;
        for (var i = 0; i < HashLength / 8; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(output[(i * 8)..], lanes[i]);
        }
    }

    /// <summary>
    /// The 25 lanes as five planes (the lanes of one y) of eight slots: lane (x, y) at index 8y + x. Slots 5 to
    /// 7 of each plane hold nothing; the AVX-512 path loads and stores whole planes and writes them freely,
    /// and the scalar path never reads them.
    /// </summary>
    [InlineArray(40)]
    private struct State
    {
        private ulong _lane;

        /// <summary>Where lane <paramref name="lane"/> (= x + 5y) lives.</summary>
        public static int Index(int lane) => (8 * (lane / 5)) + (lane % 5);
    }

    [InlineArray(Rate)]
    private struct Block
    {
        private byte _byte;
    }
}
