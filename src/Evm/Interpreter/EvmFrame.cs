using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>How a frame was entered.</summary>
public enum FrameKind : byte
{
    Call,
    CallCode,
    DelegateCall,
    StaticCall,
    Create,
    Create2,
}

/// <summary>
/// A call or creation that a frame asks the driver to run (filled by the CALL and CREATE families before
/// they return <see cref="EvmStatus.SubCall"/>). Offsets and lengths are into the asking frame's memory,
/// already expanded and paid for.
/// </summary>
internal struct ChildRequest
{
    public FrameKind Kind;

    /// <summary>The gas handed to the child (stipend included), already taken from the parent.</summary>
    public long Gas;

    /// <summary>Calls: the address whose code runs (and, for CALL and STATICCALL, whose storage).</summary>
    public Address CodeAddress;

    public UInt256 Value;
    public ulong InputOffset;
    public ulong InputLength;
    public ulong OutputOffset;
    public ulong OutputLength;

    /// <summary>CREATE2's salt.</summary>
    public UInt256 Salt;
}

/// <summary>
/// One call or creation being executed: code, program counter, gas, stack, memory and the last child's
/// return data. Frames are pooled by depth and reused, so nothing here is allocated per call. Tracers see
/// it through the public read-only members.
/// </summary>
public sealed class EvmFrame
{
    internal readonly UInt256[] StackItems = new UInt256[InstructionSet.MaxStackSize];
    internal readonly EvmMemory MemoryBuffer = new();
    internal int StackSize;
    internal long GasLeft;
    internal int ProgramCounter;
    internal CodeInfo Code = CodeInfo.Empty;

    // Calldata: a view of the parent's memory (which cannot change while this frame runs) or the transaction's data.
    internal byte[] InputArray = [];
    internal int InputStart;
    internal int InputLength;

    // The output of the last child call (RETURNDATASIZE/RETURNDATACOPY).
    internal byte[] ReturnDataBuffer = new byte[64];
    internal int ReturnDataLength;

    internal Address ExecutingAddress;
    internal Address CallerAddress;
    internal UInt256 CallValue;
    internal bool IsStaticFrame;
    internal FrameKind Kind;
    internal int FrameDepth;
    internal int JournalSnapshot;

    /// <summary>The executing account's working copy, for storage and balance without a lookup.</summary>
    internal AccountEntry Account = null!;

    /// <summary>What RETURN or REVERT points at in memory.</summary>
    internal ulong OutputOffset;
    internal ulong OutputLength;

    internal ChildRequest Request;

    internal EvmFrame(VirtualMachine vm)
    {
        Vm = vm;
    }

    internal VirtualMachine Vm { get; }

    public int Pc => ProgramCounter;

    public long Gas => GasLeft;

    /// <summary>0 for the transaction's own frame.</summary>
    public int Depth => FrameDepth;

    public Address Address => ExecutingAddress;

    public Address Caller => CallerAddress;

    public bool IsStatic => IsStaticFrame;

    public ReadOnlySpan<byte> CodeBytes => Code.Code;

    /// <summary>The stack, bottom first.</summary>
    public ReadOnlySpan<UInt256> Stack => StackItems.AsSpan(0, StackSize);

    public ulong MemorySize => MemoryBuffer.Size;

    public ReadOnlySpan<byte> Memory => MemoryBuffer.Slice(0, MemoryBuffer.Size);

    public ReadOnlySpan<byte> Input => InputArray.AsSpan(InputStart, InputLength);

    public ReadOnlySpan<byte> ReturnData => ReturnDataBuffer.AsSpan(0, ReturnDataLength);

    // ---- stack access: bounds were checked by the loop against the opcode table ----

    /// <summary>The item <paramref name="fromTop"/> below the top (0 is the top).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref UInt256 Peek(int fromTop) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(StackItems), StackSize - 1 - fromTop);

    /// <summary>Removes the top item; the reference stays valid until the next push.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref UInt256 Pop() => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(StackItems), --StackSize);

    /// <summary>A new top item for the caller to assign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref UInt256 Push() => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(StackItems), StackSize++);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Push(in UInt256 value) =>
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(StackItems), StackSize++) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void PushBool(bool value) =>
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(StackItems), StackSize++) = value ? UInt256.One : default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Push(ulong value) =>
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(StackItems), StackSize++) = new UInt256(value);

    internal void Push(in Address address)
    {
        Span<byte> word = stackalloc byte[32];
        word[..12].Clear();
        address.Bytes.CopyTo(word[12..]);
        Push(UInt256.FromBigEndian(word));
    }

    /// <summary>Charges <paramref name="gas"/>; false when it is not there (the caller halts out of gas).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool TryCharge(long gas) => (GasLeft -= gas) >= 0;

    internal void SetReturnData(ReadOnlySpan<byte> data)
    {
        if (ReturnDataBuffer.Length < data.Length)
        {
            ReturnDataBuffer = new byte[Math.Max(data.Length, ReturnDataBuffer.Length * 2)];
        }

        data.CopyTo(ReturnDataBuffer);
        ReturnDataLength = data.Length;
    }

    /// <summary>Prepares a pooled frame for a new call.</summary>
    internal void Reset()
    {
        StackSize = 0;
        ProgramCounter = 0;
        ReturnDataLength = 0;
        OutputOffset = 0;
        OutputLength = 0;
        MemoryBuffer.Reset();
    }
}
