using Hyperion.Core;

namespace Hyperion.Evm;

// Persistent storage (SLOAD, SSTORE with the net gas metering of EIP-2200/2929/3529) and transient storage (EIP-1153).
internal static partial class Instructions
{
    internal static EvmStatus SLoad(EvmFrame frame)
    {
        ref var key = ref frame.Peek(0);
        var state = frame.Vm.State;

        // One dictionary lookup: the slot reference stays valid because nothing is added to the storage map in between.
        ref var slot = ref state.LoadedSlot(frame.Account, key);
        if (frame.Vm.Spec.HasAccessLists && state.WarmUpSlot(frame.Account, key, ref slot)
            && !frame.TryCharge(GasCosts.ColdSload - GasCosts.WarmStorageRead))
        {
            return EvmStatus.OutOfGas;
        }

        key = slot.Current;
        return EvmStatus.Running;
    }

    internal static EvmStatus SStore(EvmFrame frame)
    {
        if (frame.IsStaticFrame)
        {
            return EvmStatus.StaticStateChange;
        }

        var vm = frame.Vm;
        var spec = vm.Spec;
        var state = vm.State;
        var key = frame.Pop();
        var value = frame.Pop();
        var metering = spec.Sstore;

        // EIP-2200: a frame left with only the call stipend cannot write, even to a warm dirty slot.
        if (metering >= SstoreMetering.Eip2200 && frame.GasLeft <= GasCosts.SstoreSentry)
        {
            return EvmStatus.OutOfGas;
        }

        ref var slot = ref state.LoadedSlot(frame.Account, key);
        long cost = 0;
        if (metering == SstoreMetering.Eip2929 && state.WarmUpSlot(frame.Account, key, ref slot))
        {
            cost = GasCosts.ColdSload;
        }

        var current = slot.Current;
        var original = slot.Original;
        cost += metering == SstoreMetering.Frontier
            ? FrontierSstoreCost(state, spec, current, value)
            : NetMeteredSstoreCost(state, spec, original, current, value);
        if (!frame.TryCharge(cost))
        {
            return EvmStatus.OutOfGas;
        }

        if (current != value)
        {
            state.SetStorage(frame.Account, key, ref slot, value);
        }

        return EvmStatus.Running;
    }

    private static long FrontierSstoreCost(JournaledState state, EvmSpec spec, in UInt256 current, in UInt256 value)
    {
        if (current.IsZero && !value.IsZero)
        {
            return GasCosts.SstoreSet;
        }

        if (!current.IsZero && value.IsZero)
        {
            state.AddRefund(spec.SstoreClearRefund);
        }

        return GasCosts.SstoreReset;
    }

    /// <summary>EIP-1283/2200 net metering: only the first change of a slot in a transaction pays the full
    /// price; later changes pay a read, and undoing a change refunds most of what it cost.</summary>
    private static long NetMeteredSstoreCost(JournaledState state, EvmSpec spec, in UInt256 original, in UInt256 current, in UInt256 value)
    {
        var warmAccess = spec.Sstore switch
        {
            SstoreMetering.Eip2929 => GasCosts.WarmStorageRead,
            SstoreMetering.Eip2200 => 800,
            _ => GasCosts.SstoreNoopEip1283,
        };

        // Under EIP-2929 the cold surcharge already covered the slot's read, so a reset pays 5000 - 2100.
        var reset = spec.Sstore == SstoreMetering.Eip2929 ? GasCosts.SstoreReset - GasCosts.ColdSload : GasCosts.SstoreReset;
        var clearRefund = spec.SstoreClearRefund;

        if (current == value)
        {
            return warmAccess;
        }

        if (original == current)
        {
            if (original.IsZero)
            {
                return GasCosts.SstoreSet;
            }

            if (value.IsZero)
            {
                state.AddRefund(clearRefund);
            }

            return reset;
        }

        if (!original.IsZero)
        {
            if (current.IsZero)
            {
                state.SubtractRefund(clearRefund);
            }
            else if (value.IsZero)
            {
                state.AddRefund(clearRefund);
            }
        }

        if (original == value)
        {
            state.AddRefund(original.IsZero ? GasCosts.SstoreSet - warmAccess : reset - warmAccess);
        }

        return warmAccess;
    }

    internal static EvmStatus TLoad(EvmFrame frame)
    {
        ref var key = ref frame.Peek(0);
        key = JournaledState.GetTransient(frame.Account, key);
        return EvmStatus.Running;
    }

    internal static EvmStatus TStore(EvmFrame frame)
    {
        if (frame.IsStaticFrame)
        {
            return EvmStatus.StaticStateChange;
        }

        var key = frame.Pop();
        frame.Vm.State.SetTransient(frame.Account, key, frame.Pop());
        return EvmStatus.Running;
    }
}
