using System.Runtime.InteropServices;

namespace Hyperion.Execution;

/// <summary>
/// An int alone on a 128-byte line (two 64-byte lines: adjacent-line prefetch pairs them), for a counter one thread
/// writes often and others read: beside other fields, every write would also take their line from the threads using them.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedCounter
{
    [FieldOffset(64)]
    public int Value;
}
