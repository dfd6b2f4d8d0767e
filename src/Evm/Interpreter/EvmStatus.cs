namespace Hyperion.Evm;

/// <summary>
/// What an instruction tells the interpreter loop: go on, stop normally, hand a call or creation to the
/// driver, or halt exceptionally (which consumes all the frame's gas and reverts its changes). A result
/// code rather than an exception, because failures are ordinary events on the hot path.
/// </summary>
public enum EvmStatus : byte
{
    /// <summary>Next instruction (internal to the loop).</summary>
    Running = 0,

    /// <summary>The frame asks the driver to run a call or a creation and then resume it (internal).</summary>
    SubCall,

    /// <summary>STOP, or the end of the code.</summary>
    Stopped,

    /// <summary>RETURN.</summary>
    Returned,

    /// <summary>SELFDESTRUCT (a normal stop).</summary>
    SelfDestructed,

    /// <summary>REVERT: changes undone, unused gas returned, output kept.</summary>
    Reverted,

    // Failures before a child runs: nothing changed, and the gas handed to it comes back.

    /// <summary>A call or creation beyond depth 1024.</summary>
    CallDepthExceeded,

    /// <summary>A call or creation whose value exceeds the caller's balance.</summary>
    InsufficientBalance,

    /// <summary>CREATE by an account whose nonce is already 2^64-1 (EIP-2681).</summary>
    NonceOverflow,

    // Everything below is an exceptional halt: all gas consumed, changes undone, no output.
    OutOfGas,
    StackUnderflow,
    StackOverflow,
    InvalidOpcode,
    InvalidJump,

    /// <summary>A state change (SSTORE, TSTORE, LOG, CREATE, SELFDESTRUCT, a CALL with value) inside a static call.</summary>
    StaticStateChange,

    /// <summary>RETURNDATACOPY past the end of the return data (EIP-211).</summary>
    ReturnDataOutOfBounds,

    /// <summary>Init code returned code that starts with 0xEF (EIP-3541).</summary>
    InvalidCodePrefix,

    /// <summary>Init code returned more than the code size limit (EIP-170).</summary>
    CodeSizeExceeded,

    /// <summary>CREATE or CREATE2 init code over the EIP-3860 limit.</summary>
    InitCodeSizeExceeded,

    /// <summary>CREATE or CREATE2 at an address that already has code, a nonce or storage.</summary>
    ContractAddressCollision,

    /// <summary>A precompile refused its input.</summary>
    PrecompileFailure,
}

/// <summary>Helpers over <see cref="EvmStatus"/>.</summary>
public static class EvmStatusExtensions
{
    /// <summary>True for STOP, RETURN and SELFDESTRUCT: the frame's changes stand.</summary>
    public static bool IsSuccess(this EvmStatus status) =>
        status is EvmStatus.Stopped or EvmStatus.Returned or EvmStatus.SelfDestructed;

    /// <summary>True for the halts that consume all gas.</summary>
    public static bool IsExceptional(this EvmStatus status) => status >= EvmStatus.OutOfGas;
}
