using System.Runtime.InteropServices;

namespace Hyperion.Evm;

/// <summary>
/// Where an instruction's memory operands sit on the stack, so that the interpreter loop expands (and charges)
/// memory before the instruction runs, as data rather than code in every handler. Indexes count from the top
/// of the stack (0 is the top).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct MemoryAccess : IEquatable<MemoryAccess>
{
    private MemoryAccess(MemoryAccessKind kind, byte offset, byte size, byte offset2, byte size2)
    {
        Kind = kind;
        Offset = offset;
        Size = size;
        Offset2 = offset2;
        Size2 = size2;
    }

    public static MemoryAccess None => default;

    public MemoryAccessKind Kind { get; }

    public byte Offset { get; }

    public byte Size { get; }

    public byte Offset2 { get; }

    public byte Size2 { get; }

    /// <summary>32 bytes at the offset on the stack (MLOAD, MSTORE).</summary>
    public static MemoryAccess Word(byte offset) => new(MemoryAccessKind.Word, offset, 0, 0, 0);

    /// <summary>One byte at the offset on the stack (MSTORE8).</summary>
    public static MemoryAccess Byte(byte offset) => new(MemoryAccessKind.Byte, offset, 0, 0, 0);

    /// <summary>A range given by an offset and a length on the stack.</summary>
    public static MemoryAccess Range(byte offset, byte size) => new(MemoryAccessKind.Range, offset, size, 0, 0);

    /// <summary>Two ranges (a call's input and output, MCOPY's source and destination).</summary>
    public static MemoryAccess Ranges(byte offset, byte size, byte offset2, byte size2) =>
        new(MemoryAccessKind.TwoRanges, offset, size, offset2, size2);

    public bool Equals(MemoryAccess other) =>
        Kind == other.Kind && Offset == other.Offset && Size == other.Size && Offset2 == other.Offset2 && Size2 == other.Size2;

    public override bool Equals(object? obj) => obj is MemoryAccess other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Kind, Offset, Size, Offset2, Size2);

    public static bool operator ==(MemoryAccess left, MemoryAccess right) => left.Equals(right);

    public static bool operator !=(MemoryAccess left, MemoryAccess right) => !left.Equals(right);
}

#pragma warning disable CA1028 // A byte keeps the table entry small.
public enum MemoryAccessKind : byte
#pragma warning restore CA1028
{
    None,
    Word,
    Byte,
    Range,
    TwoRanges,
}

/// <summary>
/// One opcode under one fork: its handler, static gas, stack effect and memory operands. The interpreter
/// checks the stack bounds, charges the static gas and expands memory from this entry before calling the
/// handler, which charges only the gas that depends on state or operands.
/// </summary>
public unsafe struct OpcodeInfo
{
    internal delegate*<EvmFrame, EvmStatus> Handler;

    public long StaticGas;

    /// <summary>Stack items the instruction needs (below this it underflows).</summary>
    public short Inputs;

    public short Outputs;

    /// <summary>The largest stack size the instruction may start with (above it the stack would exceed 1024).</summary>
    public short MaxStackBefore;

    public MemoryAccess Memory;

    public bool IsDefined;
}

/// <summary>The 256-entry opcode table of one fork, compiled for the interpreter loop.</summary>
public sealed class InstructionSet
{
    public const int MaxStackSize = 1024;

    internal InstructionSet(OpcodeInfo[] table)
    {
        Table = table;
    }

    /// <summary>Indexed by opcode byte.</summary>
    internal OpcodeInfo[] Table { get; }

    public bool IsDefined(Opcode opcode) => Table[(byte)opcode].IsDefined;

    public OpcodeInfo this[Opcode opcode] => Table[(byte)opcode];
}
