using Hyperion.Core;

namespace Hyperion.Execution.Evm;

/// <summary>
/// "Add this much to the balance", written instead of a new balance by transactions that only credit an account
/// (the coinbase's priority fee, the recipient of a plain value transfer), so that such transactions do not read
/// the balance and do not conflict with each other (RISE pevm's lazy balance updates). Wrapping, as the engine
/// asks of deltas: speculative executions may add to values that never exist, and the real total of a block's
/// ether cannot overflow 256 bits.
/// </summary>
public sealed class BalanceIncrement : IDeltaOp<EvmValue>
{
    public BalanceIncrement(in UInt256 amount)
    {
        Amount = amount;
    }

    public UInt256 Amount { get; }

    public EvmValue Apply(EvmValue value) => EvmValue.FromBalance(value.Balance + Amount);

    public override string ToString() => $"+{Amount}";
}
