using Hyperion.Core;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm;

// Starting calls and creations, ending frames, and handing results back to the calling frame.
public sealed partial class VirtualMachine
{
    /// <summary>Starts the call or creation that <paramref name="parent"/> asked for; null when it ended at once
    /// (no code, a precompile, or a failure before running), in which case the parent already has the result.</summary>
    private EvmFrame? StartChild(EvmFrame parent)
    {
        ref var request = ref parent.Request;
        Outcome outcome;
        EvmFrame? child;
        if (request.Kind is FrameKind.Create or FrameKind.Create2)
        {
            var initCode = parent.MemoryBuffer.Slice(request.InputOffset, request.InputLength);
            child = BeginCreate(request.Kind, parent.Account, request.Value, initCode, request.Salt, request.Gas, parent.FrameDepth + 1, out outcome);
        }
        else
        {
            child = BeginCall(
                parent,
                request.Kind,
                parent.Account,
                request.CodeAddress,
                request.Value,
                parent.MemoryBuffer.Buffer,
                (int)request.InputOffset,
                (int)request.InputLength,
                request.Gas,
                parent.FrameDepth + 1,
                out outcome);
        }

        if (child is null)
        {
            ResumeWith(parent, outcome);
        }

        return child;
    }

    /// <summary>
    /// A call of any kind: checks depth and balance, moves the value (CALL), then runs a precompile, returns at
    /// once for code-less accounts, or sets up a frame. CALLCODE and DELEGATECALL run the code in the caller's
    /// account; DELEGATECALL also keeps the caller's caller and value.
    /// </summary>
    private EvmFrame? BeginCall(
        EvmFrame? parent,
        FrameKind kind,
        AccountEntry caller,
        scoped in Address codeAddress,
        scoped in UInt256 value,
        byte[] inputArray,
        int inputStart,
        int inputLength,
        long gas,
        int depth,
        out Outcome outcome)
    {
        if (depth > MaxCallDepth)
        {
            outcome = Outcome.Failed(EvmStatus.CallDepthExceeded, gas);
            return null;
        }

        // A call that moves no value does not read the caller's balance (over a deferring reader, it is not read at all).
        if (kind is FrameKind.Call or FrameKind.CallCode && !value.IsZero && caller.Balance < value)
        {
            outcome = Outcome.Failed(EvmStatus.InsufficientBalance, gas);
            return null;
        }

        var snapshot = State.Snapshot();
        var codeAccount = State.Account(codeAddress);
        var isPrecompile = Precompiles.TryGet(codeAddress, out var precompile);
        if (kind == FrameKind.Call)
        {
            // EIP-161: a value-less call to nothing creates nothing (and touches nothing).
            if (!codeAccount.Exists && !isPrecompile && value.IsZero && Spec.ClearsEmptyAccounts)
            {
                outcome = Outcome.Succeeded(gas);
                return null;
            }

            State.Transfer(caller, codeAccount, value);
        }
        else if (kind == FrameKind.StaticCall)
        {
            // A static call still touches its target, as a zero transfer would (which matters only for empty accounts).
            State.AddBalance(codeAccount, UInt256.Zero);
        }

        if (isPrecompile)
        {
            var isStatic = kind == FrameKind.StaticCall || (parent?.IsStaticFrame ?? false);
            outcome = RunPrecompile(precompile!, codeAddress, isStatic, inputArray.AsSpan(inputStart, inputLength), gas, snapshot);
            return null;
        }

        var code = State.Code(codeAccount);
        if (code.Length == 0)
        {
            outcome = Outcome.Succeeded(gas);
            return null;
        }

        var frame = RentFrame(depth);
        frame.Kind = kind;
        frame.Code = code;
        frame.GasLeft = gas;
        frame.JournalSnapshot = snapshot;
        frame.InputArray = inputArray;
        frame.InputStart = inputStart;
        frame.InputLength = inputLength;
        frame.IsStaticFrame = kind == FrameKind.StaticCall || (parent?.IsStaticFrame ?? false);
        switch (kind)
        {
            case FrameKind.Call:
            case FrameKind.StaticCall:
                frame.Account = codeAccount;
                frame.ExecutingAddress = codeAddress;
                frame.CallerAddress = caller.Address;
                frame.CallValue = value;
                break;
            case FrameKind.CallCode:
                frame.Account = caller;
                frame.ExecutingAddress = caller.Address;
                frame.CallerAddress = caller.Address;
                frame.CallValue = value;
                break;
            default:
                frame.Account = caller;
                frame.ExecutingAddress = caller.Address;
                frame.CallerAddress = parent!.CallerAddress;
                frame.CallValue = parent.CallValue;
                break;
        }

        outcome = default;
        return frame;
    }

    private Outcome RunPrecompile(IPrecompile precompile, scoped in Address address, bool isStatic, ReadOnlySpan<byte> input, long gas, int snapshot)
    {
        var cost = precompile.GasCost(input);
        if (cost > gas)
        {
            State.Revert(snapshot);
            return Outcome.Failed(EvmStatus.OutOfGas, 0);
        }

        // A logging precompile's logs go through the journal, so the revert below (or a caller's) drops them.
        var succeeded = precompile is ILoggingPrecompile logging
            ? logging.TryRun(input, new PrecompileLogSink(State, address, isStatic), out var output)
            : precompile.TryRun(input, out output);
        if (!succeeded)
        {
            State.Revert(snapshot);
            return Outcome.Failed(EvmStatus.PrecompileFailure, 0);
        }

        return new Outcome { Status = EvmStatus.Returned, GasLeft = gas - cost, Output = output };
    }

    /// <summary>
    /// CREATE, CREATE2 or a creating transaction: checks depth and balance, takes the creator's nonce, warms the
    /// new address, refuses an address that is taken (consuming the gas), then makes the account and runs the
    /// init code in a new frame.
    /// </summary>
    private EvmFrame? BeginCreate(
        FrameKind kind,
        AccountEntry creator,
        scoped in UInt256 value,
        scoped ReadOnlySpan<byte> initCode,
        scoped in UInt256 salt,
        long gas,
        int depth,
        out Outcome outcome)
    {
        if (depth > MaxCallDepth)
        {
            outcome = Outcome.Failed(EvmStatus.CallDepthExceeded, gas);
            return null;
        }

        if (!value.IsZero && creator.Balance < value)
        {
            outcome = Outcome.Failed(EvmStatus.InsufficientBalance, gas);
            return null;
        }

        var nonce = creator.Nonce;
        if (nonce == ulong.MaxValue)
        {
            outcome = Outcome.Failed(EvmStatus.NonceOverflow, gas);
            return null;
        }

        State.SetNonce(creator, nonce + 1);
        var address = kind == FrameKind.Create2
            ? ContractAddress.From(creator.Address, salt, initCode)
            : ContractAddress.From(creator.Address, nonce);
        var account = State.Account(address);
        if (Spec.HasAccessLists)
        {
            State.WarmUp(account);
        }

        if (JournaledState.IsCreationBlocked(account))
        {
            outcome = Outcome.Failed(EvmStatus.ContractAddressCollision, 0);
            outcome.IsCreation = true;
            return null;
        }

        var snapshot = State.Snapshot();
        State.CreateContract(account);
        if (Spec.ClearsEmptyAccounts)
        {
            State.SetNonce(account, 1);
        }

        State.Transfer(creator, account, value);

        var frame = RentFrame(depth);
        frame.Kind = kind;
        frame.Code = initCode.IsEmpty ? CodeInfo.Empty : new CodeInfo(initCode.ToArray());
        frame.GasLeft = gas;
        frame.JournalSnapshot = snapshot;
        frame.InputArray = [];
        frame.InputStart = 0;
        frame.InputLength = 0;
        frame.IsStaticFrame = false;
        frame.Account = account;
        frame.ExecutingAddress = address;
        frame.CallerAddress = creator.Address;
        frame.CallValue = value;
        outcome = default;
        return frame;
    }

    /// <summary>Ends a halted frame: deploys a creation's code, and undoes the frame's changes unless it succeeded.</summary>
    private Outcome Finish(EvmFrame frame, EvmStatus status)
    {
        var outcome = new Outcome
        {
            Status = status,
            GasLeft = frame.GasLeft,
            Output = status is EvmStatus.Returned or EvmStatus.Reverted && frame.OutputLength > 0
                ? frame.MemoryBuffer.Slice(frame.OutputOffset, frame.OutputLength)
                : default,
        };

        if (frame.Kind is FrameKind.Create or FrameKind.Create2)
        {
            outcome.IsCreation = true;
            outcome.CreatedAddress = frame.ExecutingAddress;
            if (status.IsSuccess())
            {
                outcome.Status = DepositCode(frame, outcome.Output, status);
                outcome.GasLeft = frame.GasLeft;
                outcome.Output = default;
            }
        }

        if (outcome.Status.IsExceptional())
        {
            State.Revert(frame.JournalSnapshot);
            outcome.GasLeft = 0;
            outcome.Output = default;
        }
        else if (outcome.Status == EvmStatus.Reverted)
        {
            State.Revert(frame.JournalSnapshot);
        }

        return outcome;
    }

    /// <summary>Stores the code that init code returned: size limit (EIP-170), no 0xEF prefix (EIP-3541), 200 gas a byte.</summary>
    private EvmStatus DepositCode(EvmFrame frame, ReadOnlySpan<byte> code, EvmStatus status)
    {
        if (code.Length > Spec.MaxCodeSize)
        {
            return EvmStatus.CodeSizeExceeded;
        }

        if (Spec.RejectsCodeStartingWithEf && code.Length > 0 && code[0] == 0xEF)
        {
            return EvmStatus.InvalidCodePrefix;
        }

        var cost = GasCosts.CodeDepositByte * code.Length;
        if (frame.GasLeft < cost)
        {
            // Frontier deployed nothing and kept the gas; Homestead (EIP-2) fails the creation.
            return Spec.FailsCreateWithoutCodeDepositGas ? EvmStatus.OutOfGas : status;
        }

        frame.GasLeft -= cost;
        if (code.Length > 0)
        {
            State.SetCode(frame.Account, code.ToArray());
        }

        return status;
    }

    /// <summary>Gives a child's result to the frame that asked for it: gas back, success flag or address on the
    /// stack, return data, and a call's output copied into memory.</summary>
    private static void ResumeWith(EvmFrame parent, in Outcome outcome)
    {
        ref var request = ref parent.Request;
        parent.GasLeft += outcome.GasLeft;
        var succeeded = outcome.Status.IsSuccess();
        if (request.Kind is FrameKind.Create or FrameKind.Create2)
        {
            if (succeeded)
            {
                parent.Push(outcome.CreatedAddress);
            }
            else
            {
                parent.Push() = default;
            }

            parent.SetReturnData(outcome.Status == EvmStatus.Reverted ? outcome.Output : default);
            return;
        }

        parent.PushBool(succeeded);
        parent.SetReturnData(outcome.Output);
        var copied = (int)Math.Min(request.OutputLength, (ulong)outcome.Output.Length);
        if (copied > 0)
        {
            outcome.Output[..copied].CopyTo(parent.MemoryBuffer.Slice(request.OutputOffset, (ulong)copied));
        }
    }
}
