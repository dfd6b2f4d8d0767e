using Hyperion.Core;

namespace Hyperion.Evm;

// Control flow: jumps, halts, and the program counter and gas introspection.
internal static partial class Instructions
{
    internal static EvmStatus Stop(EvmFrame frame) => EvmStatus.Stopped;

    /// <summary>Any byte that is not an opcode under the fork, and INVALID (0xFE) itself.</summary>
    internal static EvmStatus Undefined(EvmFrame frame) => EvmStatus.InvalidOpcode;

    internal static EvmStatus Jump(EvmFrame frame) => JumpTo(frame, frame.Pop());

    internal static EvmStatus JumpI(EvmFrame frame)
    {
        ref var destination = ref frame.Pop();
        ref var condition = ref frame.Pop();
        return condition.IsZero ? EvmStatus.Running : JumpTo(frame, destination);
    }

    private static EvmStatus JumpTo(EvmFrame frame, in UInt256 destination)
    {
        if (!destination.FitsInUInt64 || destination.U0 > int.MaxValue || !frame.Code.IsValidJumpDestination((int)destination.U0))
        {
            return EvmStatus.InvalidJump;
        }

        frame.ProgramCounter = (int)destination.U0;
        return EvmStatus.Running;
    }

    internal static EvmStatus JumpDest(EvmFrame frame) => EvmStatus.Running;

    /// <summary>PC: the position of this instruction (the loop has already moved past it).</summary>
    internal static EvmStatus Pc(EvmFrame frame)
    {
        frame.Push((ulong)(frame.ProgramCounter - 1));
        return EvmStatus.Running;
    }

    /// <summary>GAS: what is left after paying for this instruction.</summary>
    internal static EvmStatus Gas(EvmFrame frame)
    {
        frame.Push((ulong)frame.GasLeft);
        return EvmStatus.Running;
    }

    internal static EvmStatus Return(EvmFrame frame)
    {
        SetOutput(frame);
        return EvmStatus.Returned;
    }

    internal static EvmStatus Revert(EvmFrame frame)
    {
        SetOutput(frame);
        return EvmStatus.Reverted;
    }

    private static void SetOutput(EvmFrame frame)
    {
        var offset = frame.Pop();
        var length = frame.Pop();
        frame.OutputOffset = length.IsZero ? 0 : offset.U0;
        frame.OutputLength = length.U0;
    }
}
