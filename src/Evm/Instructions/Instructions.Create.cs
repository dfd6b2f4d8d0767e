namespace Hyperion.Evm;

// CREATE and CREATE2: priced here (EIP-3860 init code words, CREATE2's hashing), run by the driver.
internal static partial class Instructions
{
    internal static EvmStatus Create(EvmFrame frame) => PrepareCreate(frame, FrameKind.Create);

    internal static EvmStatus Create2(EvmFrame frame) => PrepareCreate(frame, FrameKind.Create2);

    private static EvmStatus PrepareCreate(EvmFrame frame, FrameKind kind)
    {
        if (frame.IsStaticFrame)
        {
            return EvmStatus.StaticStateChange;
        }

        var spec = frame.Vm.Spec;
        var value = frame.Pop();
        var offset = frame.Pop();
        var length = frame.Pop();
        var salt = kind == FrameKind.Create2 ? frame.Pop() : default;

        // The length is bounded by the memory expansion that was paid for (or zero).
        if (length.U0 > (ulong)spec.MaxInitCodeSize)
        {
            return EvmStatus.OutOfGas;
        }

        var words = (long)((length.U0 + 31) / 32);
        long cost = 0;
        if (spec.LimitsInitCode)
        {
            cost += GasCosts.InitCodeWord * words;
        }

        if (kind == FrameKind.Create2)
        {
            cost += GasCosts.Keccak256Word * words;
        }

        if (!frame.TryCharge(cost))
        {
            return EvmStatus.OutOfGas;
        }

        var callGas = spec.CallGasAllButOne64th ? frame.GasLeft - (frame.GasLeft / 64) : frame.GasLeft;
        frame.GasLeft -= callGas;

        ref var request = ref frame.Request;
        request.Kind = kind;
        request.Gas = callGas;
        request.Value = value;
        request.InputOffset = length.IsZero ? 0 : offset.U0;
        request.InputLength = length.U0;
        request.OutputOffset = 0;
        request.OutputLength = 0;
        request.Salt = salt;
        return EvmStatus.SubCall;
    }
}
