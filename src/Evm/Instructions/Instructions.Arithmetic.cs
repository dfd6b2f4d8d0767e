using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>
/// The opcode handlers, one static method each, grouped by family in the partial files. The interpreter loop
/// has already checked the stack, charged the static gas and expanded memory (per the fork's
/// <see cref="InstructionSet"/>); a handler charges what depends on operands or state and returns
/// <see cref="EvmStatus.Running"/> to go on.
/// </summary>
internal static partial class Instructions
{
    internal static EvmStatus Add(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        UInt256.Add(a, b, out b);
        return EvmStatus.Running;
    }

    internal static EvmStatus Mul(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        UInt256.Multiply(a, b, out b);
        return EvmStatus.Running;
    }

    internal static EvmStatus Sub(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        UInt256.Subtract(a, b, out b);
        return EvmStatus.Running;
    }

    internal static EvmStatus Div(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        UInt256.Divide(a, b, out b);
        return EvmStatus.Running;
    }

    internal static EvmStatus SDiv(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        UInt256.SDiv(a, b, out b);
        return EvmStatus.Running;
    }

    internal static EvmStatus Mod(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        UInt256.Mod(a, b, out b);
        return EvmStatus.Running;
    }

    internal static EvmStatus SMod(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        UInt256.SMod(a, b, out b);
        return EvmStatus.Running;
    }

    internal static EvmStatus AddMod(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Pop();
        ref var modulus = ref frame.Peek(0);
        UInt256.AddMod(a, b, modulus, out modulus);
        return EvmStatus.Running;
    }

    internal static EvmStatus MulMod(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Pop();
        ref var modulus = ref frame.Peek(0);
        UInt256.MulMod(a, b, modulus, out modulus);
        return EvmStatus.Running;
    }

    /// <summary>EXP: the static 10 plus a price per byte of the exponent.</summary>
    internal static EvmStatus Exp(EvmFrame frame)
    {
        ref var value = ref frame.Pop();
        ref var exponent = ref frame.Peek(0);
        if (!frame.TryCharge(frame.Vm.Spec.ExpByteGas * exponent.ByteCount))
        {
            return EvmStatus.OutOfGas;
        }

        UInt256.Exp(value, exponent, out exponent);
        return EvmStatus.Running;
    }

    internal static EvmStatus SignExtend(EvmFrame frame)
    {
        ref var byteIndex = ref frame.Pop();
        ref var value = ref frame.Peek(0);
        UInt256.SignExtend(byteIndex, value, out value);
        return EvmStatus.Running;
    }
}
