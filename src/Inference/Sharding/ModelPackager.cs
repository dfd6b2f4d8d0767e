using System.Collections.Immutable;
using Google.Protobuf;
using Hyperion.Core.Crypto;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Onnx;

namespace Hyperion.Inference.Sharding;

/// <summary>A model ready to register: its manifest and the bytes of each shard, in pipeline order.</summary>
public sealed class PackagedModel
{
    internal PackagedModel(ModelManifest manifest, ImmutableArray<ReadOnlyMemory<byte>> shardBytes)
    {
        Manifest = manifest;
        ShardBytes = shardBytes;
    }

    public ModelManifest Manifest { get; }

    /// <summary>The .onnx bytes of each shard; shard k's hash is <c>Manifest.Shards[k].ContentHash</c>.</summary>
    public ImmutableArray<ReadOnlyMemory<byte>> ShardBytes { get; }
}

/// <summary>
/// Turns an ONNX model and the cuts asked for into shards and a manifest: what registration does. The result is a
/// pure function of the model bytes, the cuts and the name (protobuf serialisation of the shard graphs is
/// deterministic), so any node re-packaging the same request gets the same model id.
/// </summary>
public static class ModelPackager
{
    /// <summary>Packages <paramref name="onnxModel"/> as one shard (its bytes unchanged), or as several when <paramref name="cuts"/> are given.</summary>
    /// <exception cref="ModelIntegrityException">The bytes are not a usable ONNX model.</exception>
    /// <exception cref="InvalidCutException">The cuts cannot split the model (see <see cref="InvalidCutException"/>).</exception>
    public static PackagedModel Package(string name, ReadOnlyMemory<byte> onnxModel, IReadOnlyList<CutPoint> cuts)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(cuts);
        var model = Parse(onnxModel);
        IReadOnlyList<(ModelProto Graph, byte[] Bytes)> shards = cuts.Count == 0
            ? [(model, onnxModel.ToArray())]
            : [.. OnnxGraphSplitter.Split(model, cuts).Select(shard => (shard, shard.ToByteArray()))];

        var shardManifests = ImmutableArray.CreateBuilder<ShardManifest>(shards.Count);
        for (var index = 0; index < shards.Count; index++)
        {
            var (graph, bytes) = shards[index];
            using var opened = OpenChecked(bytes, index);
            shardManifests.Add(new ShardManifest(
                index,
                Keccak256.Compute(bytes),
                bytes.LongLength,
                OnnxSignatures.Inputs(opened.Session),
                OnnxSignatures.Outputs(opened.Session),
                CountParameters(graph.Graph)));
        }

        var shardList = shardManifests.MoveToImmutable();
        var ungassed = new ModelManifest(
            name,
            shardList,
            shardList[0].Inputs,
            shardList[^1].Outputs,
            [.. cuts],
            RuntimeProfile.Canonical,
            new GasSchedule(0, 0, 0));
        var manifest = ungassed with { Gas = GasSchedule.Derive(ungassed.ParameterCount, ungassed.InputBytesPerEntry) };
        manifest.Validate();
        return new PackagedModel(manifest, [.. shards.Select(shard => (ReadOnlyMemory<byte>)shard.Bytes)]);
    }

    /// <summary>
    /// Elements of every initializer and Constant in <paramref name="graph"/>: the weights a call reads at least once.
    /// Subgraph bodies are included, since their weights are read when they run.
    /// </summary>
    internal static long CountParameters(GraphProto graph)
    {
        long count = 0;
        foreach (var initializer in graph.Initializer)
        {
            count = checked(count + ElementCount(initializer));
        }

        foreach (var sparse in graph.SparseInitializer)
        {
            count = checked(count + ElementCount(sparse.Values));
        }

        foreach (var node in graph.Node)
        {
            foreach (var attribute in node.Attribute)
            {
                if (node.OpType == "Constant" && node.Domain.Length == 0)
                {
                    count = checked(count + (attribute.T is { } tensor ? ElementCount(tensor) : Math.Max(1, attribute.Floats.Count + attribute.Ints.Count)));
                }

                if (attribute.G is { } subgraph)
                {
                    count = checked(count + CountParameters(subgraph));
                }

                foreach (var body in attribute.Graphs)
                {
                    count = checked(count + CountParameters(body));
                }
            }
        }

        return count;
    }

    private static long ElementCount(TensorProto tensor) =>
        tensor.Dims.Aggregate(1L, (product, dimension) => checked(product * dimension));

    private static ModelProto Parse(ReadOnlyMemory<byte> onnxModel)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnxModel.Span);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new ModelIntegrityException($"the bytes are not an ONNX model: {exception.Message}", exception);
        }

        if (model.Graph is null || model.Graph.Node.Count == 0)
        {
            throw new ModelIntegrityException("the ONNX model has no graph or no nodes");
        }

        var external = model.Graph.Initializer.FirstOrDefault(initializer => initializer.DataLocation == TensorProto.Types.DataLocation.External);
        if (external is not null)
        {
            throw new ModelIntegrityException(
                $"initializer '{external.Name}' keeps its data in an external file; only self-contained .onnx bytes can be hashed and registered");
        }

        return model;
    }

    private static OpenedOnnxSession OpenChecked(byte[] bytes, int shard)
    {
        try
        {
            return OnnxSessionFactory.OpenForInspection(bytes);
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException exception)
        {
            throw new ModelIntegrityException($"ONNX Runtime cannot load shard {shard}: {exception.Message}", exception);
        }
    }
}
