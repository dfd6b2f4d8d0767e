using Hyperion.Core;

namespace Hyperion.Evm;

// Comparisons, bitwise logic and shifts.
internal static partial class Instructions
{
    internal static EvmStatus Lt(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        b = a < b ? UInt256.One : default;
        return EvmStatus.Running;
    }

    internal static EvmStatus Gt(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        b = a > b ? UInt256.One : default;
        return EvmStatus.Running;
    }

    internal static EvmStatus Slt(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        b = UInt256.SLessThan(a, b) ? UInt256.One : default;
        return EvmStatus.Running;
    }

    internal static EvmStatus Sgt(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        b = UInt256.SGreaterThan(a, b) ? UInt256.One : default;
        return EvmStatus.Running;
    }

    internal static EvmStatus Eq(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        b = a == b ? UInt256.One : default;
        return EvmStatus.Running;
    }

    internal static EvmStatus IsZero(EvmFrame frame)
    {
        ref var a = ref frame.Peek(0);
        a = a.IsZero ? UInt256.One : default;
        return EvmStatus.Running;
    }

    internal static EvmStatus And(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        UInt256.And(a, b, out b);
        return EvmStatus.Running;
    }

    internal static EvmStatus Or(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        UInt256.Or(a, b, out b);
        return EvmStatus.Running;
    }

    internal static EvmStatus Xor(EvmFrame frame)
    {
        ref var a = ref frame.Pop();
        ref var b = ref frame.Peek(0);
        UInt256.Xor(a, b, out b);
        return EvmStatus.Running;
    }

    internal static EvmStatus Not(EvmFrame frame)
    {
        ref var a = ref frame.Peek(0);
        UInt256.Not(a, out a);
        return EvmStatus.Running;
    }

    internal static EvmStatus Byte(EvmFrame frame)
    {
        ref var index = ref frame.Pop();
        ref var word = ref frame.Peek(0);
        UInt256.Byte(index, word, out word);
        return EvmStatus.Running;
    }

    internal static EvmStatus Shl(EvmFrame frame)
    {
        ref var shift = ref frame.Pop();
        ref var value = ref frame.Peek(0);
        UInt256.ShiftLeft(value, shift, out value);
        return EvmStatus.Running;
    }

    internal static EvmStatus Shr(EvmFrame frame)
    {
        ref var shift = ref frame.Pop();
        ref var value = ref frame.Peek(0);
        UInt256.ShiftRight(value, shift, out value);
        return EvmStatus.Running;
    }

    internal static EvmStatus Sar(EvmFrame frame)
    {
        ref var shift = ref frame.Pop();
        ref var value = ref frame.Peek(0);
        UInt256.Sar(value, shift, out value);
        return EvmStatus.Running;
    }
}
