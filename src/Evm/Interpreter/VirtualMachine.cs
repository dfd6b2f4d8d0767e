using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperion.Core;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm;

/// <summary>
/// Runs messages: the interpreter loop over a fork's opcode table, and the driver that starts calls and
/// creations and resumes the calling frame with their results. Frames live in a pool indexed by depth and
/// the driver is a loop rather than a recursion, so 1024 nested calls need no deep native stack and
/// allocate nothing after warm-up. One instance per thread; <see cref="TransactionProcessor"/> sets the
/// transaction's context before each use.
/// </summary>
public sealed partial class VirtualMachine
{
    /// <summary>Calls and creations nest at most this deep below the transaction's own frame.</summary>
    public const int MaxCallDepth = 1024;

    private readonly EvmFrame?[] _frames = new EvmFrame?[MaxCallDepth + 1];

    public VirtualMachine(EvmSpec spec, PrecompileTable precompiles, JournaledState state)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(precompiles);
        ArgumentNullException.ThrowIfNull(state);
        Spec = spec;
        Precompiles = precompiles;
        State = state;
    }

    public EvmSpec Spec { get; }

    public PrecompileTable Precompiles { get; }

    public JournaledState State { get; }

    public BlockContext Block { get; private set; } = new();

    /// <summary>ORIGIN: the transaction's sender.</summary>
    public Address Origin { get; private set; }

    /// <summary>GASPRICE: the effective gas price the sender pays.</summary>
    public UInt256 GasPrice { get; private set; }

    /// <summary>BLOBHASH's source: the transaction's blob versioned hashes.</summary>
    public IReadOnlyList<Hash256> BlobHashes { get; private set; } = [];

    /// <summary>BLOBBASEFEE: the block's, computed once when the context is set.</summary>
    public UInt256 BlobBaseFee { get; private set; } = UInt256.One;

    /// <summary>Sets what the next messages see of their block and transaction.</summary>
    public void SetContext(BlockContext block, in Address origin, in UInt256 gasPrice, IReadOnlyList<Hash256> blobHashes)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(blobHashes);
        if (!ReferenceEquals(block, Block))
        {
            BlobBaseFee = Spec.HasBlobs ? block.BlobBaseFee : UInt256.Zero;
        }

        Block = block;
        Origin = origin;
        GasPrice = gasPrice;
        BlobHashes = blobHashes;
    }

    public MessageResult Execute(in Message message)
    {
        var tracer = default(NoTracer);
        return Execute(message, ref tracer);
    }

    /// <summary>Runs <paramref name="message"/> to the end, with every call and creation it makes.</summary>
    public MessageResult Execute<TTracer>(in Message message, ref TTracer tracer)
        where TTracer : struct, ITracer
    {
        ArgumentNullException.ThrowIfNull(message.Data);
        var caller = State.Account(message.Caller);
        Outcome outcome;
        var frame = message.Kind is FrameKind.Create or FrameKind.Create2
            ? BeginCreate(message.Kind, caller, message.Value, message.Data, message.Salt, message.Gas, 0, out outcome)
            : BeginCall(null, message.Kind, caller, message.To, message.Value, message.Data, 0, message.Data.Length, message.Gas, 0, out outcome);
        if (frame is null)
        {
            return ToResult(outcome);
        }

        var table = Spec.Instructions.Table;
        while (true)
        {
            var status = Interpret(frame, table, ref tracer);
            if (status == EvmStatus.SubCall)
            {
                frame = StartChild(frame) ?? frame;
                continue;
            }

            if (tracer.IsEnabled)
            {
                tracer.OnFrameEnd(frame, status);
            }

            var finished = Finish(frame, status);
            if (frame.FrameDepth == 0)
            {
                return ToResult(finished);
            }

            var parent = _frames[frame.FrameDepth - 1]!;
            ResumeWith(parent, finished);
            frame = parent;
        }
    }

    /// <summary>The interpreter loop: runs <paramref name="frame"/> until it halts or asks for a call.</summary>
    private static EvmStatus Interpret<TTracer>(EvmFrame frame, OpcodeInfo[] table, ref TTracer tracer)
        where TTracer : struct, ITracer
    {
        var code = frame.Code.Code;
        ref var opcodes = ref MemoryMarshal.GetArrayDataReference(table);
        while (true)
        {
            var pc = frame.ProgramCounter;
            if ((uint)pc >= (uint)code.Length)
            {
                return EvmStatus.Stopped;
            }

            var opcode = code[pc];
            ref var info = ref Unsafe.Add(ref opcodes, opcode);
            if (tracer.IsEnabled)
            {
                tracer.OnStep(frame, (Opcode)opcode);
            }

            if (frame.StackSize < info.Inputs)
            {
                return EvmStatus.StackUnderflow;
            }

            if (frame.StackSize > info.MaxStackBefore)
            {
                return EvmStatus.StackOverflow;
            }

            if ((frame.GasLeft -= info.StaticGas) < 0)
            {
                return EvmStatus.OutOfGas;
            }

            if (info.Memory.Kind != MemoryAccessKind.None && !ExpandMemory(frame, info.Memory))
            {
                return EvmStatus.OutOfGas;
            }

            frame.ProgramCounter = pc + 1;
            EvmStatus status;
            unsafe
            {
                status = info.Handler(frame);
            }

            if (status != EvmStatus.Running)
            {
                return status;
            }
        }
    }

    /// <summary>Expands memory over the instruction's operand ranges and charges for it (telescoping: two
    /// expansions cost the same as one to the larger end).</summary>
    private static bool ExpandMemory(EvmFrame frame, MemoryAccess access)
    {
        var memory = frame.MemoryBuffer;
        switch (access.Kind)
        {
            case MemoryAccessKind.Word:
            case MemoryAccessKind.Byte:
                ref var offset = ref frame.Peek(access.Offset);
                if (!offset.FitsInUInt64 || offset.U0 > EvmMemory.MaxSize)
                {
                    return false;
                }

                return memory.TryExpandTo(ref frame.GasLeft, offset.U0 + (access.Kind == MemoryAccessKind.Word ? 32UL : 1UL));
            case MemoryAccessKind.Range:
                return memory.TryExpand(ref frame.GasLeft, frame.Peek(access.Offset), frame.Peek(access.Size));
            case MemoryAccessKind.TwoRanges:
                return memory.TryExpand(ref frame.GasLeft, frame.Peek(access.Offset), frame.Peek(access.Size))
                    && memory.TryExpand(ref frame.GasLeft, frame.Peek(access.Offset2), frame.Peek(access.Size2));
            default:
                return true;
        }
    }

    private EvmFrame RentFrame(int depth)
    {
        var frame = _frames[depth] ??= new EvmFrame(this);
        frame.Reset();
        frame.FrameDepth = depth;
        return frame;
    }

    private static MessageResult ToResult(in Outcome outcome) =>
        new(outcome.Status, outcome.GasLeft, outcome.Output.ToArray(), outcome.IsCreation ? outcome.CreatedAddress : null);

    /// <summary>How a frame (or a call that ran no code) ended, before the caller takes it in. The output
    /// points into the ended frame's memory, valid until the next frame at that depth starts.</summary>
    private ref struct Outcome
    {
        public EvmStatus Status;
        public long GasLeft;
        public ReadOnlySpan<byte> Output;
        public bool IsCreation;
        public Address CreatedAddress;

        public static Outcome Failed(EvmStatus status, long gasLeft) => new() { Status = status, GasLeft = gasLeft };

        public static Outcome Succeeded(long gasLeft) => new() { Status = EvmStatus.Stopped, GasLeft = gasLeft };
    }
}
