using System.Numerics;
using Hyperion.Core;

namespace Hyperion.Evm.Precompiles;

/// <summary>
/// 0x05: base^exponent mod modulus over arbitrary-length big-endian integers (EIP-198), priced by EIP-2565.
/// The input starts with three 32-byte lengths; the operands follow, read as if the input were padded with
/// zeros. The lengths are 256-bit words from untrusted calldata, so the price is computed first without
/// allocating anything sized by them; the interpreter charges it before <see cref="TryRun"/> is called.
/// </summary>
public sealed class ModExpPrecompile : IPrecompile
{
    public const long MinimumGas = 200;

    private const int HeaderLength = 96;

    public static ModExpPrecompile Instance { get; } = new();

    public long GasCost(ReadOnlySpan<byte> input)
    {
        var (baseLength, exponentLength, modulusLength) = ReadLengths(input);
        var exponentHead = ReadExponentHead(input, baseLength, exponentLength);
        var maxLength = baseLength > modulusLength ? baseLength : modulusLength;

        // Lengths that fit in 32 bits keep every product below 2^128; anything larger takes the exact
        // (and rarely used) BigInteger path rather than a guess.
        if (maxLength.FitsInUInt64 && (ulong)maxLength <= uint.MaxValue && exponentLength.FitsInUInt64 && (ulong)exponentLength <= uint.MaxValue)
        {
            UInt128 words = ((ulong)maxLength + 7) / 8;
            var iterations = IterationCount((ulong)exponentLength, exponentHead);
            var gas = words * words * iterations / 3;
            return gas < MinimumGas ? MinimumGas : gas > long.MaxValue ? long.MaxValue : (long)gas;
        }

        var bigWords = ((BigInteger)maxLength + 7) / 8;
        var bigIterations = BigIterationCount(exponentLength, exponentHead);
        var bigGas = bigWords * bigWords * bigIterations / 3;
        return bigGas < MinimumGas ? MinimumGas : bigGas > long.MaxValue ? long.MaxValue : (long)bigGas;
    }

    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        var (baseLength, exponentLength, modulusLength) = ReadLengths(input);
        output = [];

        // The result has the modulus's length, so a zero-length modulus gives empty output whatever the
        // other lengths say; nothing else is read.
        if (modulusLength.IsZero)
        {
            return true;
        }

        // Anything longer could never have been paid for (the price grows with the square of the base and
        // modulus lengths and linearly with the exponent length).
        if (!FitsInInt(baseLength) || !FitsInInt(exponentLength) || !FitsInInt(modulusLength))
        {
            return false;
        }

        var baseSize = (int)(ulong)baseLength;
        var exponentSize = (int)(ulong)exponentLength;
        var modulusSize = (int)(ulong)modulusLength;
        long offset = HeaderLength;
        var baseValue = ReadUnsigned(input, offset, baseSize);
        offset += baseSize;
        var exponent = ReadUnsigned(input, offset, exponentSize);
        offset += exponentSize;
        var modulus = ReadUnsigned(input, offset, modulusSize);

        output = new byte[modulusSize];
        if (modulus.IsZero || modulus.IsOne)
        {
            // x mod 0 is defined as 0 here (EIP-198), and anything mod 1 is 0.
            return true;
        }

        var result = BigInteger.ModPow(baseValue, exponent, modulus);
        var written = result.TryWriteBytes(output.AsSpan(modulusSize - result.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return written;
    }

    private static (UInt256 BaseLength, UInt256 ExponentLength, UInt256 ModulusLength) ReadLengths(ReadOnlySpan<byte> input)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        PrecompileGas.CopyPadded(input, header);
        return (UInt256.FromBigEndian(header[..32]), UInt256.FromBigEndian(header[32..64]), UInt256.FromBigEndian(header[64..96]));
    }

    // The first min(32, exponent length) bytes of the exponent, which EIP-2565 prices by their bit length.
    private static UInt256 ReadExponentHead(ReadOnlySpan<byte> input, in UInt256 baseLength, in UInt256 exponentLength)
    {
        var headLength = exponentLength > 32 ? 32 : (int)(ulong)exponentLength;
        if (headLength == 0 || !baseLength.FitsInUInt64 || (ulong)baseLength >= (ulong)input.Length)
        {
            // A base this long pushes the exponent past the end of the input, where it reads as zeros.
            return UInt256.Zero;
        }

        return ReadUnsignedWord(input, HeaderLength + (long)(ulong)baseLength, headLength);
    }

    private static UInt256 ReadUnsignedWord(ReadOnlySpan<byte> input, long offset, int length)
    {
        Span<byte> word = stackalloc byte[length];
        CopyPaddedFrom(input, offset, word);
        return UInt256.FromBigEndian(word);
    }

    private static BigInteger ReadUnsigned(ReadOnlySpan<byte> input, long offset, int length)
    {
        if (length == 0)
        {
            return BigInteger.Zero;
        }

        var bytes = new byte[length];
        CopyPaddedFrom(input, offset, bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    private static void CopyPaddedFrom(ReadOnlySpan<byte> input, long offset, Span<byte> destination)
    {
        destination.Clear();
        if (offset < input.Length)
        {
            var available = input[(int)offset..];
            available[..Math.Min(available.Length, destination.Length)].CopyTo(destination);
        }
    }

    // EIP-2565's iteration count: the exponent's highest set bit, plus 8 per byte beyond the first 32, at least 1.
    private static ulong IterationCount(ulong exponentLength, in UInt256 exponentHead)
    {
        var highestBit = exponentHead.IsZero ? 0UL : (ulong)exponentHead.BitLength - 1;
        var count = exponentLength <= 32 ? highestBit : (8 * (exponentLength - 32)) + highestBit;
        return Math.Max(count, 1);
    }

    private static BigInteger BigIterationCount(in UInt256 exponentLength, in UInt256 exponentHead)
    {
        var highestBit = exponentHead.IsZero ? 0 : exponentHead.BitLength - 1;
        BigInteger length = exponentLength;
        var count = length <= 32 ? highestBit : (8 * (length - 32)) + highestBit;
        return BigInteger.Max(count, BigInteger.One);
    }

    private static bool FitsInInt(in UInt256 value) => value.FitsInUInt64 && (ulong)value <= int.MaxValue;
}
