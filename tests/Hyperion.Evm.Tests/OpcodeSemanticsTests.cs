using System.Numerics;
using CsCheck;
using Hyperion.Core;

namespace Hyperion.Evm.Tests;

/// <summary>
/// Each arithmetic, comparison and bitwise opcode run through the interpreter on random operands (biased to
/// the edges: 0, 1, 2^255, 2^256-1) and compared with a BigInteger model, which also pins the operand order.
/// </summary>
public sealed class OpcodeSemanticsTests
{
    private static readonly BigInteger Modulus = BigInteger.One << 256;

    private static readonly Gen<ulong> Limb = Gen.OneOf(
        Gen.Const(0UL), Gen.Const(1UL), Gen.Const(ulong.MaxValue), Gen.Const(1UL << 63), Gen.ULong[0, 300], Gen.ULong);

    private static readonly Gen<UInt256> Word = Gen.OneOf(
        Gen.Select(Limb, limb => new UInt256(limb)),
        Gen.Select(Limb, Limb, Limb, Limb, (a, b, c, d) => new UInt256(a, b, c, d)));

    public static TheoryData<Opcode> BinaryOpcodes =>
    [
        Opcode.ADD, Opcode.MUL, Opcode.SUB, Opcode.DIV, Opcode.SDIV, Opcode.MOD, Opcode.SMOD, Opcode.EXP,
        Opcode.SIGNEXTEND, Opcode.LT, Opcode.GT, Opcode.SLT, Opcode.SGT, Opcode.EQ, Opcode.AND, Opcode.OR,
        Opcode.XOR, Opcode.BYTE, Opcode.SHL, Opcode.SHR, Opcode.SAR,
    ];

    [Theory]
    [MemberData(nameof(BinaryOpcodes))]
    public void Binary_opcodes_match_the_model(Opcode opcode)
    {
        Gen.Select(Word, Word).Sample(
            (a, b) => Assert.Equal(Model(opcode, a, b), Execute(new Bytecode().Push32(b).Push32(a).Op(opcode))),
            iter: 150);
    }

    [Theory]
    [InlineData(Opcode.ADDMOD)]
    [InlineData(Opcode.MULMOD)]
    public void Modular_opcodes_work_on_the_unwrapped_value(Opcode opcode)
    {
        Gen.Select(Word, Word, Word).Sample(
            (a, b, n) =>
            {
                BigInteger x = a, y = b, m = n;
                var expected = m.IsZero ? UInt256.Zero : (UInt256)((opcode == Opcode.ADDMOD ? x + y : x * y) % m);
                Assert.Equal(expected, Execute(new Bytecode().Push32(n).Push32(b).Push32(a).Op(opcode)));
            },
            iter: 150);
    }

    [Fact]
    public void Unary_opcodes_match_the_model()
    {
        Word.Sample(
            a =>
            {
                Assert.Equal(a.IsZero ? UInt256.One : UInt256.Zero, Execute(new Bytecode().Push32(a).Op(Opcode.ISZERO)));
                Assert.Equal((UInt256)(Modulus - 1 - (BigInteger)a), Execute(new Bytecode().Push32(a).Op(Opcode.NOT)));
            },
            iter: 150);
    }

    [Fact]
    public void Signed_division_of_the_most_negative_number_by_minus_one_wraps()
    {
        var minInt = UInt256.One << 255;
        Assert.Equal(minInt, Execute(new Bytecode().Push32(UInt256.MaxValue).Push32(minInt).Op(Opcode.SDIV)));
    }

    [Fact]
    public void A_push_cut_off_by_the_end_of_the_code_still_ends_the_program_normally()
    {
        var (result, _) = new EvmHarness().WithCode([(byte)Opcode.PUSH0, (byte)Opcode.PUSH2, 0x12]).Run();
        Assert.Equal(EvmStatus.Stopped, result.Status);
    }

    private static UInt256 Model(Opcode opcode, UInt256 a, UInt256 b)
    {
        BigInteger x = a, y = b;
        BigInteger Signed(BigInteger v) => v >= (Modulus >> 1) ? v - Modulus : v;
        UInt256 Wrap(BigInteger v) => (UInt256)(((v % Modulus) + Modulus) % Modulus);
        UInt256 Bool(bool v) => v ? UInt256.One : UInt256.Zero;
        var count = a.FitsInUInt64 && a.U0 < 256 ? (int)a.U0 : 256;
        return opcode switch
        {
            Opcode.ADD => Wrap(x + y),
            Opcode.MUL => Wrap(x * y),
            Opcode.SUB => Wrap(x - y),
            Opcode.DIV => y.IsZero ? UInt256.Zero : Wrap(x / y),
            Opcode.MOD => y.IsZero ? UInt256.Zero : Wrap(x % y),
            Opcode.SDIV => y.IsZero ? UInt256.Zero : Wrap(BigInteger.Divide(Signed(x), Signed(y))),
            Opcode.SMOD => y.IsZero ? UInt256.Zero : Wrap(BigInteger.Remainder(Signed(x), Signed(y))),
            Opcode.EXP => (UInt256)BigInteger.ModPow(x, y, Modulus),
            Opcode.SIGNEXTEND => SignExtendModel(a, b),
            Opcode.LT => Bool(x < y),
            Opcode.GT => Bool(x > y),
            Opcode.SLT => Bool(Signed(x) < Signed(y)),
            Opcode.SGT => Bool(Signed(x) > Signed(y)),
            Opcode.EQ => Bool(x == y),
            Opcode.AND => Wrap(x & y),
            Opcode.OR => Wrap(x | y),
            Opcode.XOR => Wrap(x ^ y),
            Opcode.BYTE => count < 32 ? (UInt256)((y >> (8 * (31 - count))) & 0xff) : UInt256.Zero,
            Opcode.SHL => count < 256 ? Wrap(y << count) : UInt256.Zero,
            Opcode.SHR => count < 256 ? Wrap(y >> count) : UInt256.Zero,
            Opcode.SAR => Wrap(Signed(y) >> count),
            _ => throw new ArgumentOutOfRangeException(nameof(opcode)),
        };
    }

    private static UInt256 SignExtendModel(UInt256 byteIndex, UInt256 value)
    {
        if (!byteIndex.FitsInUInt64 || byteIndex.U0 >= 31)
        {
            return value;
        }

        var bits = (int)(byteIndex.U0 * 8) + 8;
        var low = (BigInteger)value & ((BigInteger.One << bits) - 1);
        var negative = !(low >> (bits - 1)).IsZero;
        return negative ? (UInt256)(low | (Modulus - (BigInteger.One << bits))) : (UInt256)low;
    }

    /// <summary>Runs <paramref name="body"/> and returns the top of the stack.</summary>
    private static UInt256 Execute(Bytecode body)
    {
        var (result, _) = new EvmHarness().WithCode(body.ReturnTop()).Run();
        Assert.True(result.IsSuccess, $"execution ended with {result.Status}");
        return EvmHarness.Word(result.Output);
    }
}
