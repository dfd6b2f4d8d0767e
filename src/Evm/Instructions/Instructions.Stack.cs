using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hyperion.Core;

namespace Hyperion.Evm;

// POP, PUSH0..PUSH32, DUP1..DUP16, SWAP1..SWAP16.
internal static partial class Instructions
{
    internal static EvmStatus Pop(EvmFrame frame)
    {
        frame.StackSize--;
        return EvmStatus.Running;
    }

    internal static EvmStatus Push0(EvmFrame frame)
    {
        frame.Push() = default;
        return EvmStatus.Running;
    }

    internal static EvmStatus Push1(EvmFrame frame)
    {
        var code = frame.Code.Code;
        var pc = frame.ProgramCounter;
        frame.Push((uint)pc < (uint)code.Length ? code[pc] : 0UL);
        frame.ProgramCounter = pc + 1;
        return EvmStatus.Running;
    }

    /// <summary>PUSH2, the jump targets of compiled code.</summary>
    internal static EvmStatus Push2(EvmFrame frame)
    {
        var code = frame.Code.Code;
        var pc = frame.ProgramCounter;
        if ((uint)(pc + 1) >= (uint)code.Length)
        {
            return PushN(frame);
        }

        frame.Push((ulong)((code[pc] << 8) | code[pc + 1]));
        frame.ProgramCounter = pc + 2;
        return EvmStatus.Running;
    }

    /// <summary>PUSH32, the full-word constants of compiled code.</summary>
    internal static EvmStatus Push32(EvmFrame frame)
    {
        var code = frame.Code.Code;
        var pc = frame.ProgramCounter;
        if (pc + 32 > code.Length)
        {
            return PushN(frame);
        }

        ref var word = ref frame.Push();
        word = new UInt256(
            BinaryPrimitives.ReadUInt64BigEndian(code.AsSpan(pc + 24, 8)),
            BinaryPrimitives.ReadUInt64BigEndian(code.AsSpan(pc + 16, 8)),
            BinaryPrimitives.ReadUInt64BigEndian(code.AsSpan(pc + 8, 8)),
            BinaryPrimitives.ReadUInt64BigEndian(code.AsSpan(pc, 8)));
        frame.ProgramCounter = pc + 32;
        return EvmStatus.Running;
    }

    /// <summary>PUSH2..PUSH32: the size comes from the opcode; immediate bytes past the end of the code read as zero.</summary>
    internal static EvmStatus PushN(EvmFrame frame)
    {
        var code = frame.Code.Code;
        var pc = frame.ProgramCounter;
        var size = code[pc - 1] - (byte)Opcode.PUSH0;
        if (pc + size <= code.Length)
        {
            frame.Push(size == 32 ? UInt256.FromBigEndian(code.AsSpan(pc, 32)) : FromShortBigEndian(code.AsSpan(pc, size)));
        }
        else
        {
            // Truncated at the end of the code: the missing low-order bytes are zeros.
            Span<byte> padded = stackalloc byte[32];
            padded.Clear();
            code.AsSpan(pc).CopyTo(padded[(32 - size)..]);
            frame.Push(UInt256.FromBigEndian(padded));
        }

        frame.ProgramCounter = pc + size;
        return EvmStatus.Running;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt256 FromShortBigEndian(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length <= 8)
        {
            ulong value = 0;
            foreach (var b in bytes)
            {
                value = (value << 8) | b;
            }

            return new UInt256(value);
        }

        if (bytes.Length == 20)
        {
            // Addresses are the common wide immediate.
            return new UInt256(
                BinaryPrimitives.ReadUInt64BigEndian(bytes[12..]),
                BinaryPrimitives.ReadUInt64BigEndian(bytes[4..]),
                BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }

        return UInt256.FromBigEndian(bytes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static EvmStatus Dup(EvmFrame frame, int n)
    {
        frame.Push(frame.Peek(n - 1));
        return EvmStatus.Running;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static EvmStatus Swap(EvmFrame frame, int n)
    {
        ref var top = ref frame.Peek(0);
        ref var other = ref frame.Peek(n);
        (top, other) = (other, top);
        return EvmStatus.Running;
    }

    internal static EvmStatus Dup1(EvmFrame frame) => Dup(frame, 1);

    internal static EvmStatus Dup2(EvmFrame frame) => Dup(frame, 2);

    internal static EvmStatus Dup3(EvmFrame frame) => Dup(frame, 3);

    internal static EvmStatus Dup4(EvmFrame frame) => Dup(frame, 4);

    internal static EvmStatus Dup5(EvmFrame frame) => Dup(frame, 5);

    internal static EvmStatus Dup6(EvmFrame frame) => Dup(frame, 6);

    internal static EvmStatus Dup7(EvmFrame frame) => Dup(frame, 7);

    internal static EvmStatus Dup8(EvmFrame frame) => Dup(frame, 8);

    internal static EvmStatus Dup9(EvmFrame frame) => Dup(frame, 9);

    internal static EvmStatus Dup10(EvmFrame frame) => Dup(frame, 10);

    internal static EvmStatus Dup11(EvmFrame frame) => Dup(frame, 11);

    internal static EvmStatus Dup12(EvmFrame frame) => Dup(frame, 12);

    internal static EvmStatus Dup13(EvmFrame frame) => Dup(frame, 13);

    internal static EvmStatus Dup14(EvmFrame frame) => Dup(frame, 14);

    internal static EvmStatus Dup15(EvmFrame frame) => Dup(frame, 15);

    internal static EvmStatus Dup16(EvmFrame frame) => Dup(frame, 16);

    internal static EvmStatus Swap1(EvmFrame frame) => Swap(frame, 1);

    internal static EvmStatus Swap2(EvmFrame frame) => Swap(frame, 2);

    internal static EvmStatus Swap3(EvmFrame frame) => Swap(frame, 3);

    internal static EvmStatus Swap4(EvmFrame frame) => Swap(frame, 4);

    internal static EvmStatus Swap5(EvmFrame frame) => Swap(frame, 5);

    internal static EvmStatus Swap6(EvmFrame frame) => Swap(frame, 6);

    internal static EvmStatus Swap7(EvmFrame frame) => Swap(frame, 7);

    internal static EvmStatus Swap8(EvmFrame frame) => Swap(frame, 8);

    internal static EvmStatus Swap9(EvmFrame frame) => Swap(frame, 9);

    internal static EvmStatus Swap10(EvmFrame frame) => Swap(frame, 10);

    internal static EvmStatus Swap11(EvmFrame frame) => Swap(frame, 11);

    internal static EvmStatus Swap12(EvmFrame frame) => Swap(frame, 12);

    internal static EvmStatus Swap13(EvmFrame frame) => Swap(frame, 13);

    internal static EvmStatus Swap14(EvmFrame frame) => Swap(frame, 14);

    internal static EvmStatus Swap15(EvmFrame frame) => Swap(frame, 15);

    internal static EvmStatus Swap16(EvmFrame frame) => Swap(frame, 16);
}
