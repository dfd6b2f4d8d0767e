namespace Hyperion.Evm.Precompiles;

/// <summary>Gas arithmetic shared by the precompiles whose price is a base plus a price per 32-byte word.</summary>
internal static class PrecompileGas
{
    public const int WordSize = 32;

    /// <summary><paramref name="baseCost"/> + <paramref name="costPerWord"/> × ⌈length / 32⌉, saturating at <see cref="long.MaxValue"/>.</summary>
    public static long BasePlusPerWord(int length, long baseCost, long costPerWord)
    {
        long words = (length + (long)WordSize - 1) / WordSize;
        var perWord = SaturatingMultiply(words, costPerWord);
        return SaturatingAdd(baseCost, perWord);
    }

    public static long SaturatingAdd(long a, long b)
    {
        var sum = a + b;
        // Both operands are non-negative here, so overflow shows as a negative sum.
        return sum < 0 ? long.MaxValue : sum;
    }

    public static long SaturatingMultiply(long a, long b)
    {
        if (a == 0 || b == 0)
        {
            return 0;
        }

        return a > long.MaxValue / b ? long.MaxValue : a * b;
    }

    /// <summary>Copies <paramref name="input"/> into <paramref name="destination"/>, truncating it or padding it with
    /// zeros on the right: how the fixed-layout precompiles read calldata of any length.</summary>
    public static void CopyPadded(ReadOnlySpan<byte> input, Span<byte> destination)
    {
        var length = Math.Min(input.Length, destination.Length);
        input[..length].CopyTo(destination);
        destination[length..].Clear();
    }
}
