namespace Hyperion.Evm;

// CALL, CALLCODE, DELEGATECALL, STATICCALL: the handler prices the call and fills the frame's request;
// the driver (VirtualMachine) runs the callee and resumes this frame with the result.
internal static partial class Instructions
{
    internal static EvmStatus Call(EvmFrame frame) => PrepareCall(frame, FrameKind.Call);

    internal static EvmStatus CallCode(EvmFrame frame) => PrepareCall(frame, FrameKind.CallCode);

    internal static EvmStatus DelegateCall(EvmFrame frame) => PrepareCall(frame, FrameKind.DelegateCall);

    internal static EvmStatus StaticCall(EvmFrame frame) => PrepareCall(frame, FrameKind.StaticCall);

    private static EvmStatus PrepareCall(EvmFrame frame, FrameKind kind)
    {
        var vm = frame.Vm;
        var spec = vm.Spec;
        var requestedGas = frame.Pop();
        var target = Core.Address.FromUInt256(frame.Pop());
        var value = kind is FrameKind.Call or FrameKind.CallCode ? frame.Pop() : default;
        var inputOffset = frame.Pop();
        var inputLength = frame.Pop();
        var outputOffset = frame.Pop();
        var outputLength = frame.Pop();

        var transfersValue = !value.IsZero;
        if (kind == FrameKind.Call && transfersValue && frame.IsStaticFrame)
        {
            return EvmStatus.StaticStateChange;
        }

        var targetAccount = vm.State.Account(target);
        long cost = 0;
        if (spec.HasAccessLists && vm.State.WarmUp(targetAccount))
        {
            cost += GasCosts.ColdAccountAccess - GasCosts.WarmStorageRead;
        }

        if (transfersValue)
        {
            cost += GasCosts.CallValueTransfer;
        }

        // Creating the callee's account costs extra: under EIP-161 when value makes an empty account non-empty,
        // before it whenever the account did not exist.
        if (kind == FrameKind.Call)
        {
            var createsAccount = spec.ClearsEmptyAccounts
                ? transfersValue && (!targetAccount.Exists || targetAccount.IsEmpty)
                : !targetAccount.Exists;
            if (createsAccount)
            {
                cost += GasCosts.CallNewAccount;
            }
        }

        if (!frame.TryCharge(cost))
        {
            return EvmStatus.OutOfGas;
        }

        long callGas;
        if (spec.CallGasAllButOne64th)
        {
            // EIP-150: ask for more than all but a 64th of what is left and you get all but a 64th.
            var cap = frame.GasLeft - (frame.GasLeft / 64);
            callGas = requestedGas.FitsInUInt64 && requestedGas.U0 < (ulong)cap ? (long)requestedGas.U0 : cap;
        }
        else
        {
            if (!requestedGas.FitsInUInt64 || requestedGas.U0 > (ulong)frame.GasLeft)
            {
                return EvmStatus.OutOfGas;
            }

            callGas = (long)requestedGas.U0;
        }

        frame.GasLeft -= callGas;
        if (transfersValue)
        {
            callGas += GasCosts.CallStipend;
        }

        ref var request = ref frame.Request;
        request.Kind = kind;
        request.Gas = callGas;
        request.CodeAddress = target;
        request.Value = value;
        request.InputOffset = inputLength.IsZero ? 0 : inputOffset.U0;
        request.InputLength = inputLength.U0;
        request.OutputOffset = outputLength.IsZero ? 0 : outputOffset.U0;
        request.OutputLength = outputLength.U0;
        return EvmStatus.SubCall;
    }
}
