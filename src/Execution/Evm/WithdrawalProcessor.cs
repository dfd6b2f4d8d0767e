namespace Hyperion.Execution.Evm;

/// <summary>EIP-4895: after the transactions, each withdrawal credits its amount (in gwei) to its address, touching it as any credit does.</summary>
public static class WithdrawalProcessor
{
    public static void Apply(BlockStateOverlay state, IReadOnlyList<Withdrawal> withdrawals)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(withdrawals);
        foreach (var withdrawal in withdrawals)
        {
            state.AddBalance(withdrawal.Address, withdrawal.AmountInWei);
        }
    }
}
