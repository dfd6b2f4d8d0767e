using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Hyperion.Execution;

/// <summary>
/// Asks the processor to bring an object's first cache lines in ahead of use. The walks at the end of a block visit tens of
/// thousands of location objects (megabytes, long out of cache) in an order known in advance; waiting for each one's
/// lines in turn was most of that stage's time. A prefetch never faults: an object the collector moved meanwhile only
/// makes it a wasted hint.
/// </summary>
internal static class CachePrefetch
{
    private const int CacheLine = 64;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Object(object instance, int lines)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var start = (byte*)Unsafe.AsPointer(ref Unsafe.As<RawObject>(instance).FirstField);
        for (var line = 0; line < lines; line++)
        {
            Sse.Prefetch0(start + (line * CacheLine));
        }
    }

    /// <summary>Any object seen as this: its first field's address is the object's data.</summary>
    private sealed class RawObject
    {
#pragma warning disable CS0649 // Never written: only its address is taken.
        public byte FirstField;
#pragma warning restore CS0649
    }
}
