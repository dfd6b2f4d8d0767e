namespace Hyperion.Evm;

// SELFDESTRUCT.
internal static partial class Instructions
{
    /// <summary>
    /// SELFDESTRUCT: sends the whole balance to the beneficiary. Before Cancun the account is deleted when the
    /// transaction ends; under EIP-6780 only if it was created in this transaction (otherwise only the balance
    /// moves). Sending to itself keeps the balance unless the account is deleted.
    /// </summary>
    internal static EvmStatus SelfDestruct(EvmFrame frame)
    {
        if (frame.IsStaticFrame)
        {
            return EvmStatus.StaticStateChange;
        }

        var vm = frame.Vm;
        var spec = vm.Spec;
        var state = vm.State;
        var beneficiary = state.Account(Core.Address.FromUInt256(frame.Pop()));
        var self = frame.Account;

        long cost = 0;
        if (spec.HasAccessLists && state.WarmUp(beneficiary))
        {
            cost += GasCosts.ColdAccountAccess;
        }

        // Since EIP-150 a beneficiary that the transfer brings into existence pays for its account.
        if (spec.CallGasAllButOne64th)
        {
            var createsAccount = spec.ClearsEmptyAccounts
                ? (!beneficiary.Exists || beneficiary.IsEmpty) && !self.Balance.IsZero
                : !beneficiary.Exists;
            if (createsAccount)
            {
                cost += GasCosts.SelfDestructNewAccount;
            }
        }

        if (!frame.TryCharge(cost))
        {
            return EvmStatus.OutOfGas;
        }

        if (spec.SelfDestructRefund > 0 && (self.Flags & AccountFlags.SelfDestructed) == 0)
        {
            state.AddRefund(spec.SelfDestructRefund);
        }

        var balance = self.Balance;
        if (spec.SelfDestructsOnlyNewContracts)
        {
            state.SubtractBalance(self, balance);
            state.AddBalance(beneficiary, balance);
            if (self.IsCreatedInTransaction)
            {
                state.SelfDestruct(self);
            }
        }
        else
        {
            state.AddBalance(beneficiary, balance);
            state.SelfDestruct(self);
        }

        return EvmStatus.SelfDestructed;
    }
}
