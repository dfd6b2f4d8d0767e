namespace Hyperion.Evm;

// Memory: the loop has expanded it to cover every operand range before these run.
internal static partial class Instructions
{
    internal static EvmStatus MLoad(EvmFrame frame)
    {
        ref var offset = ref frame.Peek(0);
        offset = frame.MemoryBuffer.LoadWord(offset.U0);
        return EvmStatus.Running;
    }

    internal static EvmStatus MStore(EvmFrame frame)
    {
        var offset = frame.Pop().U0;
        frame.MemoryBuffer.StoreWord(offset, frame.Pop());
        return EvmStatus.Running;
    }

    internal static EvmStatus MStore8(EvmFrame frame)
    {
        var offset = frame.Pop().U0;
        frame.MemoryBuffer.StoreByte(offset, (byte)frame.Pop().U0);
        return EvmStatus.Running;
    }

    internal static EvmStatus MSize(EvmFrame frame)
    {
        frame.Push(frame.MemoryBuffer.Size);
        return EvmStatus.Running;
    }

    /// <summary>MCOPY (EIP-5656): [destination, source, length], overlapping ranges allowed.</summary>
    internal static EvmStatus MCopy(EvmFrame frame)
    {
        var destination = frame.Pop().U0;
        var source = frame.Pop().U0;
        ref var length = ref frame.Pop();
        if (!frame.TryCharge(CopyCost(length)))
        {
            return EvmStatus.OutOfGas;
        }

        if (!length.IsZero)
        {
            frame.MemoryBuffer.Copy(destination, source, length.U0);
        }

        return EvmStatus.Running;
    }
}
