using System.Numerics;
using System.Runtime.InteropServices;

namespace Hyperion.Execution;

/// <summary>
/// Pins a worker thread to one processor of those the process may run on (Linux only; elsewhere nothing happens).
/// Why: a block's workers are woken together, and the kernel's wake-up placement can queue two of them on one core
/// and leave them there for a whole block (seen on a 2-core VM as bimodal block times: about a third of the runs took
/// 1.5x as long, with the process using one core's worth of CPU). One core each, the workers always run side by side.
/// </summary>
internal static partial class WorkerAffinity
{
    /// <summary>Room for 1,024 processors in an affinity mask.</summary>
    private const int MaskWords = 16;

    /// <summary>
    /// Pins the calling thread to the <paramref name="workerIndex"/>-th processor the process may use, when there are
    /// several workers and the <paramref name="workerCount"/> of them fit one per processor; false (and the thread left
    /// as it was) otherwise.
    /// </summary>
    public static bool TryPinCurrentThread(int workerIndex, int workerCount)
    {
        // Sharing a processor between pinned workers would be worse than letting the kernel spread them, and a lone worker
        // has nobody to be queued with (pinned, every executor's only worker would sit on the first processor).
        if (workerCount < 2 || AllowedMask() is not { } allowed || workerCount > allowed.Processors)
        {
            return false;
        }

        var target = workerIndex;
        for (var word = 0; word < MaskWords; word++)
        {
            var bits = allowed.Mask[word];
            while (bits != 0)
            {
                var bit = BitOperations.TrailingZeroCount(bits);
                if (target-- == 0)
                {
                    var mask = new ulong[MaskWords];
                    mask[word] = 1UL << bit;
                    return SetAffinity(0, MaskWords * sizeof(ulong), mask) == 0;
                }

                bits &= bits - 1;
            }
        }

        return false;
    }

    /// <summary>How many processors the calling thread may run on (Linux), or null where that is not known.</summary>
    public static int? AllowedProcessors() => AllowedMask()?.Processors;

    /// <summary>The calling thread's affinity mask and how many processors it allows; null off Linux or when it cannot be read.</summary>
    private static (ulong[] Mask, int Processors)? AllowedMask()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var allowed = new ulong[MaskWords];
            if (GetAffinity(0, MaskWords * sizeof(ulong), allowed) != 0)
            {
                return null;
            }

            var processors = 0;
            foreach (var word in allowed)
            {
                processors += BitOperations.PopCount(word);
            }

            return (allowed, processors);
        }
        catch (Exception failure) when (failure is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    // pid 0: the calling thread.
    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int GetAffinity(int pid, nint size, [Out] ulong[] mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SetAffinity(int pid, nint size, ulong[] mask);
}
