using System.Numerics;
using CsCheck;
using static Hyperion.Core.Tests.Numerics.UInt256Generators;

namespace Hyperion.Core.Tests.Numerics;

/// <summary>Every operation against <see cref="BigInteger"/> doing the same EVM arithmetic the slow way.</summary>
public sealed class UInt256PropertyTests
{
    private const long Iterations = 5_000;

    [Fact]
    public void Add_matches_sum_mod_2_256_and_reports_the_carry()
    {
        Gen.Select(Any, Any).Sample((a, b) =>
        {
            var exact = (BigInteger)a + b;
            var carry = UInt256.AddOverflow(a, b, out var sum);
            Assert.Equal(Wrap(exact), sum);
            Assert.Equal(exact >= TwoTo256, carry);
            UInt256.Add(a, b, out var plain);
            Assert.Equal(sum, plain);
            Assert.Equal(sum, a + b);
        }, iter: Iterations);
    }

    [Fact]
    public void Subtract_matches_difference_mod_2_256_and_reports_the_borrow()
    {
        Gen.Select(Any, Any).Sample((a, b) =>
        {
            var exact = (BigInteger)a - b;
            var borrow = UInt256.SubtractUnderflow(a, b, out var difference);
            Assert.Equal(Wrap(exact), difference);
            Assert.Equal(exact.Sign < 0, borrow);
            UInt256.Subtract(a, b, out var plain);
            Assert.Equal(difference, plain);
            Assert.Equal(difference, a - b);
        }, iter: Iterations);
    }

    [Fact]
    public void Multiply_keeps_the_low_256_bits()
    {
        Gen.Select(Any, Any).Sample((a, b) =>
        {
            UInt256.Multiply(a, b, out var product);
            Assert.Equal(Wrap((BigInteger)a * b), product);
            Assert.Equal(product, a * b);
        }, iter: Iterations);
    }

    [Fact]
    public void DivRem_Divide_and_Mod_match_and_give_zero_for_a_zero_divisor()
    {
        DivisionPair.Sample((a, b) =>
        {
            BigInteger x = a, y = b;
            var expectedQuotient = y.IsZero ? UInt256.Zero : (UInt256)(x / y);
            var expectedRemainder = y.IsZero ? UInt256.Zero : (UInt256)(x % y);

            UInt256.DivRem(a, b, out var quotient, out var remainder);
            Assert.Equal(expectedQuotient, quotient);
            Assert.Equal(expectedRemainder, remainder);

            UInt256.Divide(a, b, out var q);
            UInt256.Mod(a, b, out var r);
            Assert.Equal(expectedQuotient, q);
            Assert.Equal(expectedRemainder, r);
            Assert.Equal(expectedQuotient, a / b);
            Assert.Equal(expectedRemainder, a % b);
        }, iter: 3 * Iterations);
    }

    [Fact]
    public void AddMod_reduces_the_exact_257_bit_sum()
    {
        Gen.Select(Any, Any, Modulus).Sample((a, b, m) =>
        {
            UInt256.AddMod(a, b, m, out var result);
            var expected = m.IsZero ? UInt256.Zero : (UInt256)(((BigInteger)a + b) % m);
            Assert.Equal(expected, result);
        }, iter: Iterations);
    }

    [Fact]
    public void AddMod_with_reduced_operands_matches()
    {
        // The one-subtraction fast path needs both operands below the modulus.
        Gen.Select(Any, Any, Any).Sample((a, b, m) =>
        {
            if (m.IsZero)
            {
                return;
            }

            var x = a % m;
            var y = b % m;
            UInt256.AddMod(x, y, m, out var result);
            Assert.Equal((UInt256)(((BigInteger)x + y) % m), result);
        }, iter: Iterations);
    }

    [Fact]
    public void MulMod_reduces_the_exact_512_bit_product()
    {
        Gen.Select(Any, Any, Modulus).Sample((a, b, m) =>
        {
            UInt256.MulMod(a, b, m, out var result);
            var expected = m.IsZero ? UInt256.Zero : (UInt256)((BigInteger)a * b % m);
            Assert.Equal(expected, result);
        }, iter: 2 * Iterations);
    }

    [Fact]
    public void Exp_matches_modular_power_of_2_256()
    {
        Gen.Select(Any, Exponent).Sample((value, exponent) =>
        {
            UInt256.Exp(value, exponent, out var result);
            Assert.Equal((UInt256)BigInteger.ModPow(value, exponent, TwoTo256), result);
        }, iter: Iterations / 2);
    }

    [Fact]
    public void And_Or_Xor_Not_match()
    {
        Gen.Select(Any, Any).Sample((a, b) =>
        {
            BigInteger x = a, y = b;
            UInt256.And(a, b, out var and);
            UInt256.Or(a, b, out var or);
            UInt256.Xor(a, b, out var xor);
            UInt256.Not(a, out var not);
            Assert.Equal((UInt256)(x & y), and);
            Assert.Equal((UInt256)(x | y), or);
            Assert.Equal((UInt256)(x ^ y), xor);
            Assert.Equal((UInt256)(TwoTo256 - 1 - x), not);
            Assert.Equal(and, a & b);
            Assert.Equal(or, a | b);
            Assert.Equal(xor, a ^ b);
            Assert.Equal(not, ~a);
        }, iter: Iterations);
    }

    [Fact]
    public void Shifts_by_int_match_and_give_zero_outside_0_to_255()
    {
        Gen.Select(Any, ShiftInt).Sample((value, shift) =>
        {
            BigInteger x = value;
            var inRange = shift is >= 0 and < 256;
            var expectedLeft = inRange ? Wrap(x << shift) : UInt256.Zero;
            var expectedRight = inRange ? (UInt256)(x >> shift) : UInt256.Zero;

            UInt256.ShiftLeft(value, shift, out var left);
            UInt256.ShiftRight(value, shift, out var right);
            Assert.Equal(expectedLeft, left);
            Assert.Equal(expectedRight, right);
            Assert.Equal(expectedLeft, value << shift);
            Assert.Equal(expectedRight, value >> shift);
        }, iter: Iterations);
    }

    [Fact]
    public void Shifts_by_word_match_the_opcodes()
    {
        Gen.Select(Any, ShiftWord).Sample((value, shift) =>
        {
            BigInteger x = value, s = shift;
            var inRange = s < 256;
            UInt256.ShiftLeft(value, shift, out var left);
            UInt256.ShiftRight(value, shift, out var right);
            Assert.Equal(inRange ? Wrap(x << (int)s) : UInt256.Zero, left);
            Assert.Equal(inRange ? (UInt256)(x >> (int)s) : UInt256.Zero, right);
        }, iter: Iterations);
    }

    [Fact]
    public void Byte_counts_from_the_most_significant_byte()
    {
        Gen.Select(Any, ByteIndexWord).Sample((word, index) =>
        {
            BigInteger i = index;
            var expected = i < 32 ? (byte)(((BigInteger)word >> (8 * (31 - (int)i))) & 0xFF) : (byte)0;

            UInt256.Byte(index, word, out var result);
            Assert.Equal(new UInt256(expected), result);
            if (i < 40)
            {
                Assert.Equal(expected, UInt256.Byte((int)i, word));
            }
        }, iter: Iterations);
    }

    [Fact]
    public void IsBitSet_matches()
    {
        Gen.Select(Any, Gen.Int[-3, 260]).Sample((value, index) =>
        {
            var expected = index is >= 0 and < 256 && !(((BigInteger)value >> index) & 1).IsZero;
            Assert.Equal(expected, value.IsBitSet(index));
        }, iter: Iterations);
    }

    [Fact]
    public void IsNegative_and_Negate_are_twos_complement()
    {
        Any.Sample(value =>
        {
            Assert.Equal(Signed(value).Sign < 0, value.IsNegative);
            UInt256.Negate(value, out var negated);
            Assert.Equal(Wrap(-Signed(value)), negated);
        }, iter: Iterations);
    }

    [Fact]
    public void SDiv_rounds_toward_zero()
    {
        Gen.Frequency((1, DivisionPair), (1, SignedPair)).Sample(CheckSDiv, iter: 2 * Iterations);

        static void CheckSDiv(UInt256 a, UInt256 b)
        {
            UInt256.SDiv(a, b, out var result);
            var expected = b.IsZero ? UInt256.Zero : Wrap(BigInteger.Divide(Signed(a), Signed(b)));
            Assert.Equal(expected, result);
        }
    }

    [Fact]
    public void SMod_takes_the_sign_of_the_dividend()
    {
        Gen.Frequency((1, DivisionPair), (1, SignedPair)).Sample(CheckSMod, iter: 2 * Iterations);

        static void CheckSMod(UInt256 a, UInt256 b)
        {
            UInt256.SMod(a, b, out var result);
            var expected = b.IsZero ? UInt256.Zero : Wrap(BigInteger.Remainder(Signed(a), Signed(b)));
            Assert.Equal(expected, result);
        }
    }

    [Fact]
    public void SignExtend_copies_the_sign_bit_of_the_chosen_byte()
    {
        Gen.Select(ByteIndexWord, Any).Sample((byteIndex, value) =>
        {
            BigInteger b = byteIndex;
            UInt256 expected;
            if (b >= 31)
            {
                expected = value;
            }
            else
            {
                var width = 8 * ((int)b + 1);
                var low = (BigInteger)value & ((BigInteger.One << width) - 1);
                var signed = low >= BigInteger.One << (width - 1) ? low - (BigInteger.One << width) : low;
                expected = Wrap(signed);
            }

            UInt256.SignExtend(byteIndex, value, out var result);
            Assert.Equal(expected, result);
        }, iter: Iterations);
    }

    [Fact]
    public void Sar_is_floor_division_by_a_power_of_two()
    {
        Gen.Select(Any, ShiftInt, ShiftWord).Sample((value, shift, shiftWord) =>
        {
            var x = Signed(value);
            var negativeFill = x.Sign < 0 ? UInt256.MaxValue : UInt256.Zero;

            UInt256.Sar(value, shift, out var byInt);
            Assert.Equal(shift is >= 0 and < 256 ? Wrap(x >> shift) : negativeFill, byInt);

            BigInteger s = shiftWord;
            UInt256.Sar(value, shiftWord, out var byWord);
            Assert.Equal(s < 256 ? Wrap(x >> (int)s) : negativeFill, byWord);
        }, iter: Iterations);
    }

    [Fact]
    public void Signed_and_unsigned_comparisons_match()
    {
        Gen.Frequency((3, Gen.Select(Any, Any)), (1, SignedPair), (1, Any.Select(v => (v, v)))).Sample((a, b) =>
        {
            var signedOrder = Signed(a).CompareTo(Signed(b));
            Assert.Equal(signedOrder, Math.Sign(UInt256.SignedCompare(a, b)));
            Assert.Equal(signedOrder < 0, UInt256.SLessThan(a, b));
            Assert.Equal(signedOrder > 0, UInt256.SGreaterThan(a, b));

            var unsignedOrder = ((BigInteger)a).CompareTo(b);
            Assert.Equal(unsignedOrder < 0, UInt256.LessThan(a, b));
            Assert.Equal(unsignedOrder > 0, UInt256.GreaterThan(a, b));
        }, iter: Iterations);
    }

    [Fact]
    public void Two_digit_division_matches_UInt128()
    {
        // The 128/64 step under both division paths; the divisor's top bit is set and high < divisor.
        // Building the dividend as quotient * divisor + remainder, with the remainder near the divisor,
        // drives both half-steps into their correction loops.
        var arbitrary = Gen.Select(Limb, Limb, Limb, Gen.ULong[0, 3], (d, h, low, near) =>
        {
            var divisor = d | (1UL << 63);
            var high = near == 0 ? h % divisor : divisor - near;
            return (high, low, divisor);
        });
        var built = Gen.Select(Limb, Limb, Gen.ULong[1, 4], Limb, (d, quotient, below, r) =>
        {
            var divisor = d | (1UL << 63);
            var remainder = below < 4 ? divisor - below : r % divisor;
            var dividend = ((UInt128)quotient * divisor) + remainder;
            return ((ulong)(dividend >> 64), (ulong)dividend, divisor);
        });
        Gen.Frequency((1, arbitrary), (1, built)).Sample((high, low, divisor) =>
        {
            var dividend = new UInt128(high, low);
            var expectedQuotient = (ulong)(dividend / divisor);
            var expectedRemainder = (ulong)(dividend % divisor);

            var quotient = UInt256.DivRemNormalized(high, low, divisor, out var remainder);
            Assert.Equal(expectedQuotient, quotient);
            Assert.Equal(expectedRemainder, remainder);

            var reciprocal = UInt256.Reciprocal(divisor);
            Assert.Equal((ulong)((UInt128.MaxValue / divisor) - ((UInt128)1 << 64)), reciprocal);
            quotient = UInt256.DivRem2By1(high, low, divisor, reciprocal, out remainder);
            Assert.Equal(expectedQuotient, quotient);
            Assert.Equal(expectedRemainder, remainder);
        }, iter: 4 * Iterations);
    }

    /// <summary>Operands spread over the signed range: small negatives, positives and the -2^255 corner.</summary>
    private static readonly Gen<(UInt256, UInt256)> SignedPair = Gen.Select(
        Gen.Frequency((2, Any), (1, SmallNegative), (1, Gen.OneOf(MinSigned, MaxSigned, UInt256.MaxValue))),
        Gen.Frequency((2, Any), (1, SmallNegative), (1, Small), (1, Gen.OneOf(MinSigned, UInt256.MaxValue, UInt256.One))));
}
