using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Hyperion.Grains.Inference;

/// <summary>
/// Place on silos that announce a GPU (silo metadata <see cref="InferenceOptions.GpuMetadataKey"/>), on any compatible
/// silo when none does. Replicas of one shard go to different silos where there are enough.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperion.inference.GpuPreferredPlacement")]
public sealed class GpuPreferredPlacement : PlacementStrategy
{
    internal static readonly GpuPreferredPlacement Instance = new();
}

/// <summary>Marks a grain class for <see cref="GpuPreferredPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class GpuPreferredPlacementAttribute : PlacementAttribute
{
    public GpuPreferredPlacementAttribute()
        : base(GpuPreferredPlacement.Instance)
    {
    }
}

/// <summary>
/// The director for <see cref="GpuPreferredPlacement"/>. Candidates are the compatible silos announcing a GPU, or all
/// compatible silos when none does; they are sorted, and a shard grain keyed <c>{model}/{shard}/{replica}</c> takes the
/// candidate at <c>(hash(model, shard) + replica) mod count</c>, so replicas of a shard land on distinct silos while
/// there are enough, and shards of several models spread out. After a silo dies, the same rule over the silos left
/// places the reactivated replica.
/// </summary>
public sealed class GpuPreferredPlacementDirector(IServiceProvider services) : IPlacementDirector
{
    private ISiloMetadataCache? _metadata;
    private bool _metadataResolved;

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var compatible = context.GetCompatibleSilos(target);
        if (compatible.Length == 0)
        {
            throw new OrleansException($"no compatible silo for {target.GrainIdentity}");
        }

        var gpu = compatible.Where(HasGpu).ToArray();
        var candidates = (gpu.Length > 0 ? gpu : compatible).OrderBy(silo => silo.ToParsableString(), StringComparer.Ordinal).ToArray();
        var (group, replica) = SplitKey(target.GrainIdentity.Key.ToString() ?? string.Empty);
        var index = (int)((StableHash(group) + (uint)replica) % (uint)candidates.Length);
        return Task.FromResult(candidates[index]);
    }

    /// <summary>Whether <paramref name="silo"/> announces a GPU: metadata value "true" or a positive count.</summary>
    public bool HasGpu(SiloAddress silo)
    {
        var cache = Metadata();
        return cache is not null && AnnouncesGpu(cache.GetSiloMetadata(silo).Metadata);
    }

    /// <summary>Whether silo metadata announces a GPU: <see cref="InferenceOptions.GpuMetadataKey"/> is "true" or a positive count.</summary>
    public static bool AnnouncesGpu(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.TryGetValue(InferenceOptions.GpuMetadataKey, out var value)
            && (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)
                || (int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var count) && count > 0));
    }

    private ISiloMetadataCache? Metadata()
    {
        if (!_metadataResolved)
        {
            // Silo metadata is optional (UseSiloMetadata): without it every silo counts as a CPU silo.
            _metadata = services.GetService(typeof(ISiloMetadataCache)) as ISiloMetadataCache;
            _metadataResolved = true;
        }

        return _metadata;
    }

    private static (string Group, int Replica) SplitKey(string key)
    {
        var slash = key.LastIndexOf('/');
        return slash > 0 && int.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replica)
            ? (key[..slash], replica)
            : (key, 0);
    }

    /// <summary>FNV-1a: stable across processes, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var character in text)
        {
            hash = (hash ^ character) * 16777619u;
        }

        return hash;
    }
}
