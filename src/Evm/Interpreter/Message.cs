using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>
/// A top-level call or creation for <see cref="VirtualMachine.Execute(in Message)"/>: the transaction's
/// execution after its gas was bought (and, for a call, its nonce taken).
/// </summary>
public readonly record struct Message(
    FrameKind Kind,
    Address Caller,
    Address To,
    UInt256 Value,
    byte[] Data,
    long Gas,
    UInt256 Salt = default);

/// <summary>How a top-level message ended: its status, the gas left (zero after an exceptional halt), its output
/// (return or revert data), and for a creation the new contract's address.</summary>
public readonly record struct MessageResult(EvmStatus Status, long GasLeft, byte[] Output, Address? CreatedAddress)
{
    public bool IsSuccess => Status.IsSuccess();
}
