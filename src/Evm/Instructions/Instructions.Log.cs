using Hyperion.Core;

namespace Hyperion.Evm;

// LOG0..LOG4: the static part (375 + 375 per topic) is in the table, the data is priced here.
internal static partial class Instructions
{
    internal static EvmStatus Log0(EvmFrame frame) => Log(frame, 0);

    internal static EvmStatus Log1(EvmFrame frame) => Log(frame, 1);

    internal static EvmStatus Log2(EvmFrame frame) => Log(frame, 2);

    internal static EvmStatus Log3(EvmFrame frame) => Log(frame, 3);

    internal static EvmStatus Log4(EvmFrame frame) => Log(frame, 4);

    private static EvmStatus Log(EvmFrame frame, int topicCount)
    {
        if (frame.IsStaticFrame)
        {
            return EvmStatus.StaticStateChange;
        }

        var offset = frame.Pop();
        var length = frame.Pop();
        if (!frame.TryCharge(GasCosts.LogDataByte * (long)length.U0))
        {
            return EvmStatus.OutOfGas;
        }

        var topics = topicCount == 0 ? [] : new Hash256[topicCount];
        for (var i = 0; i < topicCount; i++)
        {
            topics[i] = Hash256.FromUInt256(frame.Pop());
        }

        var data = frame.MemoryBuffer.Slice(offset, length).ToArray();
        frame.Vm.State.AddLog(new LogEntry(frame.ExecutingAddress, topics, data));
        return EvmStatus.Running;
    }
}
