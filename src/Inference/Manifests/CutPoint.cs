using System.Collections.Immutable;

namespace Hyperion.Inference.Manifests;

/// <summary>
/// Where a model is split: the tensors that flow from the shard before the cut to the shard after it. Usually one
/// tensor; a residual connection or a graph input that later layers still need makes it several.
/// </summary>
public sealed record CutPoint
{
    public CutPoint(IEnumerable<string> tensorNames)
    {
        ArgumentNullException.ThrowIfNull(tensorNames);
        TensorNames = [.. tensorNames];
    }

    /// <summary>The tensor names, in the order given; as a cut they form a set (order does not matter to the graph).</summary>
    public ImmutableArray<string> TensorNames { get; }

    public static CutPoint Of(params string[] tensorNames) => new(tensorNames);

    /// <summary>One cut per name, each carrying that single tensor (the JSON-RPC <c>cuts</c> list).</summary>
    public static ImmutableArray<CutPoint> AtEach(IEnumerable<string> tensorNames)
    {
        ArgumentNullException.ThrowIfNull(tensorNames);
        return [.. tensorNames.Select(name => Of(name))];
    }

    public bool Equals(CutPoint? other) =>
        other is not null && TensorNames.SequenceEqual(other.TensorNames, StringComparer.Ordinal);

    public override int GetHashCode() => TensorNames.Length == 0 ? 0 : HashCode.Combine(TensorNames.Length, TensorNames[0]);

    public override string ToString() => $"[{string.Join(", ", TensorNames)}]";
}
