using System.Diagnostics;
using Hyperion.Core;
using Hyperion.Execution.Evm;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Grains.Chain;

/// <summary>
/// Loads an evicted contract back from its contract grain when the coordinator's state misses it: on a Block-STM
/// worker thread during a block, or on the thread-pool thread of a call. It blocks that thread on the grain call, which
/// is why it refuses to run on a grain's scheduler, where blocking would stall the activation (the coordinator
/// prefetches the contracts a block calls, and copies cold contracts for a checkpoint, asynchronously instead).
/// </summary>
internal sealed class GrainContractLoader(IGrainFactory grains, ulong chainId, ChainMetrics? metrics) : IContractLoader
{
    private static readonly KeyValuePair<string, object?> MissTag = new("kind", "miss");

    public ColdContract Load(in Address address)
    {
        if (TaskScheduler.Current != TaskScheduler.Default)
        {
            throw new InvalidOperationException(
                $"Contract {address} is evicted and would be loaded on a grain's scheduler; it must be fetched before (prefetch) or read off the grain thread.");
        }

        metrics?.ContractLoads.Add(1, MissTag);
        var contents = grains.GetContractGrain(chainId, address).GetContentsAsync().GetAwaiter().GetResult();
        return ToColdContract(contents);
    }

    public static ColdContract ToColdContract(ContractContents contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        Debug.Assert(contents.Slots.Length == contents.Values.Length, "Slots and values come in pairs.");
        var slots = new KeyValuePair<UInt256, UInt256>[contents.Slots.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new(contents.Slots[i], contents.Values[i]);
        }

        return new ColdContract(contents.Code, slots);
    }
}
