using Google.Protobuf;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Tensors;
using Onnx;

namespace Hyperion.Inference.Sharding;

/// <summary>
/// Splits an ONNX graph at cuts into shard graphs that run in sequence: shard 0 takes the model's inputs and
/// produces cut 0's tensors, shard k takes cut k-1's tensors and produces cut k's, the last produces the model's
/// outputs.
/// </summary>
/// <remarks>
/// Nodes are assigned by dependency, not by position: shard k is every node needed to compute its outputs from its
/// inputs (walking back from the outputs and stopping at the inputs and at initializers). So a node listed early
/// that only later layers need lands in the shard that needs it. A walk that reaches a tensor the shard has no way
/// to get (computed in an earlier shard but not carried by the cut, or a model input the cut does not pass on) is a
/// dependency across shards and is refused. Initializers are copied into every shard that reads them. Nodes keep
/// their original relative order, which is topological because ONNX requires the whole graph's to be. Nodes that
/// no output depends on are dropped.
/// </remarks>
internal sealed class OnnxGraphSplitter
{
    private readonly ModelProto _model;
    private readonly GraphProto _graph;
    private readonly HashSet<string> _initializerNames = new(StringComparer.Ordinal);
    private readonly List<string> _graphInputNames = [];
    private readonly Dictionary<string, int> _producerOf = new(StringComparer.Ordinal);
    private readonly List<string>[] _nodeInputs;
    private int _cutCount;

    private OnnxGraphSplitter(ModelProto model)
    {
        _model = model;
        _graph = model.Graph ?? throw new ModelIntegrityException("the ONNX model has no graph");
        foreach (var initializer in _graph.Initializer)
        {
            _initializerNames.Add(initializer.Name);
        }

        foreach (var sparse in _graph.SparseInitializer)
        {
            _initializerNames.Add(sparse.Values.Name);
        }

        // Inputs that have an initializer are constants with a default (older IR versions list every weight as an input).
        _graphInputNames.AddRange(_graph.Input.Select(input => input.Name).Where(name => !_initializerNames.Contains(name)));
        _nodeInputs = new List<string>[_graph.Node.Count];
        for (var index = 0; index < _graph.Node.Count; index++)
        {
            var node = _graph.Node[index];
            foreach (var output in node.Output.Where(output => output.Length > 0))
            {
                if (!_producerOf.TryAdd(output, index))
                {
                    throw new ModelIntegrityException($"tensor '{output}' is produced by two nodes; the ONNX graph is invalid");
                }
            }

            _nodeInputs[index] = [.. node.Input.Where(input => input.Length > 0).Concat(OuterScopeReferences(node)).Distinct(StringComparer.Ordinal)];
        }
    }

    /// <summary>The shard graphs for <paramref name="cuts"/> (at least one), in pipeline order.</summary>
    /// <exception cref="InvalidCutException">A cut names an unknown tensor or a constant, the cuts are out of topological order, a shard would need a tensor its cut does not carry, or a shard would compute nothing.</exception>
    public static IReadOnlyList<ModelProto> Split(ModelProto model, IReadOnlyList<CutPoint> cuts)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cuts);
        if (cuts.Count == 0)
        {
            throw new ArgumentException("splitting needs at least one cut", nameof(cuts));
        }

        return new OnnxGraphSplitter(model).SplitAt(cuts);
    }

    /// <summary>Subgraph attributes (If, Loop, Scan bodies) may read tensors of the enclosing graph by name: those are inputs of the node too.</summary>
    private static IEnumerable<string> OuterScopeReferences(NodeProto node)
    {
        foreach (var attribute in node.Attribute)
        {
            IEnumerable<GraphProto> subgraphs = attribute.G is null ? attribute.Graphs : attribute.Graphs.Append(attribute.G);
            foreach (var subgraph in subgraphs)
            {
                var defined = new HashSet<string>(StringComparer.Ordinal);
                defined.UnionWith(subgraph.Input.Select(input => input.Name));
                defined.UnionWith(subgraph.Initializer.Select(initializer => initializer.Name));
                defined.UnionWith(subgraph.SparseInitializer.Select(sparse => sparse.Values.Name));
                foreach (var inner in subgraph.Node)
                {
                    foreach (var reference in inner.Input.Where(input => input.Length > 0).Concat(OuterScopeReferences(inner)))
                    {
                        if (!defined.Contains(reference))
                        {
                            yield return reference;
                        }
                    }

                    defined.UnionWith(inner.Output);
                }
            }
        }
    }

    private static string Describe(NodeProto node, int index) =>
        node.Name.Length > 0 ? $"node '{node.Name}' ({node.OpType})" : $"node #{index} ({node.OpType})";

    private List<ModelProto> SplitAt(IReadOnlyList<CutPoint> cuts)
    {
        ValidateCutNames(cuts);
        _cutCount = cuts.Count;
        var shardCount = cuts.Count + 1;
        var shardOfNode = new int[_graph.Node.Count];
        Array.Fill(shardOfNode, -1);
        var initializersOfShard = new HashSet<string>[shardCount];
        for (var shard = 0; shard < shardCount; shard++)
        {
            var sources = new HashSet<string>(shard == 0 ? _graphInputNames : cuts[shard - 1].TensorNames, StringComparer.Ordinal);
            var targets = shard < cuts.Count ? cuts[shard].TensorNames.ToList() : [.. _graph.Output.Select(output => output.Name)];
            initializersOfShard[shard] = AssignNodes(shard, sources, targets, shardOfNode);
            if (!shardOfNode.Contains(shard))
            {
                throw new InvalidCutException(
                    $"shard {shard} would compute nothing: {(shard < cuts.Count ? $"cut {shard} {cuts[shard]}" : "the model's outputs")} " +
                    $"{(shard == 0 ? "are the model's inputs" : $"are already carried by cut {shard - 1} {cuts[shard - 1]}")}");
            }
        }

        var cutTypes = InferTypes(cuts.SelectMany(cut => cut.TensorNames).Distinct(StringComparer.Ordinal).ToList());
        var shards = new List<ModelProto>(shardCount);
        for (var shard = 0; shard < shardCount; shard++)
        {
            var inputs = shard == 0
                ? _graph.Input.Where(input => !_initializerNames.Contains(input.Name)).Select(input => input.Clone())
                : cuts[shard - 1].TensorNames.Select(name => cutTypes[name].Clone());
            var outputs = shard < cuts.Count
                ? cuts[shard].TensorNames.Select(name => cutTypes[name].Clone())
                : _graph.Output.Select(output => output.Clone());
            shards.Add(BuildShard(shard, inputs, outputs, shardOfNode, initializersOfShard[shard]));
        }

        return shards;
    }

    private void ValidateCutNames(IReadOnlyList<CutPoint> cuts)
    {
        for (var cut = 0; cut < cuts.Count; cut++)
        {
            var names = cuts[cut].TensorNames;
            if (names.IsDefaultOrEmpty)
            {
                throw new InvalidCutException($"cut {cut} names no tensors");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                if (!seen.Add(name))
                {
                    throw new InvalidCutException($"cut {cut} names '{name}' twice");
                }

                if (_initializerNames.Contains(name))
                {
                    throw new InvalidCutException(
                        $"cut {cut} names '{name}', an initializer (a constant); constants are copied into every shard that reads them, so they are never cut tensors");
                }

                if (!_producerOf.ContainsKey(name) && !_graphInputNames.Contains(name))
                {
                    throw new InvalidCutException(
                        $"cut {cut} names '{name}', which is not a tensor of this model (neither a model input nor the output of any node)");
                }
            }
        }
    }

    /// <summary>Walks back from <paramref name="targets"/> to <paramref name="sources"/>, giving every node on the way to <paramref name="shard"/>; returns the initializers it reads.</summary>
    private HashSet<string> AssignNodes(int shard, HashSet<string> sources, List<string> targets, int[] shardOfNode)
    {
        var initializers = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(string Tensor, int? NeededByNode)>(targets.Select(target => (target, (int?)null)).Reverse());
        while (pending.TryPop(out var item))
        {
            var (tensor, neededByNode) = item;
            if (sources.Contains(tensor))
            {
                continue;
            }

            if (_initializerNames.Contains(tensor))
            {
                initializers.Add(tensor);
                continue;
            }

            if (!_producerOf.TryGetValue(tensor, out var producer))
            {
                if (neededByNode is null && shard > 0 && _graphInputNames.Contains(tensor))
                {
                    throw new InvalidCutException(
                        $"dependency across shards: {TargetDescription(shard, tensor)} is the model input '{tensor}', which cut {shard - 1} does not carry; add it to cut {shard - 1} to pass it on");
                }

                throw neededByNode is { } consumer && _graphInputNames.Contains(tensor)
                    ? new InvalidCutException(
                        $"dependency across shards: {Describe(_graph.Node[consumer], consumer)} after cut {shard - 1} reads the model input '{tensor}', which cut {shard - 1} does not carry; add '{tensor}' to cut {shard - 1}")
                    : new ModelIntegrityException($"tensor '{tensor}' is read but never produced; the ONNX graph is invalid");
            }

            var producerShard = shardOfNode[producer];
            if (producerShard == shard)
            {
                continue;
            }

            if (producerShard >= 0)
            {
                throw neededByNode is null && shard == _cutCount
                    ? new InvalidCutException(
                        $"dependency across shards: {TargetDescription(shard, tensor)} is computed in shard {producerShard}, before cut {shard - 1}, which does not carry it; add '{tensor}' to every cut after shard {producerShard}")
                    : neededByNode is null
                    ? new InvalidCutException(
                        $"cuts out of topological order: {TargetDescription(shard, tensor)} is computed in shard {producerShard}, before cut {shard - 1}; list cuts from the model's inputs towards its outputs")
                    : new InvalidCutException(
                        $"dependency across shards: {Describe(_graph.Node[neededByNode.Value], neededByNode.Value)} after cut {shard - 1} reads '{tensor}', which is computed before that cut (in shard {producerShard}) but not carried by it; add '{tensor}' to cut {shard - 1}");
            }

            shardOfNode[producer] = shard;
            foreach (var input in _nodeInputs[producer])
            {
                pending.Push((input, producer));
            }
        }

        return initializers;
    }

    /// <summary>What a shard's walk started from: one of the next cut's tensors, or (for the last shard) a model output.</summary>
    private string TargetDescription(int shard, string tensor) =>
        shard < _cutCount ? $"cut {shard}'s tensor '{tensor}'" : $"the model output '{tensor}'";

    private ModelProto BuildShard(
        int shard,
        IEnumerable<ValueInfoProto> inputs,
        IEnumerable<ValueInfoProto> outputs,
        int[] shardOfNode,
        HashSet<string> initializers)
    {
        var graph = new GraphProto { Name = $"{_graph.Name}_shard{shard}" };
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        var produced = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < _graph.Node.Count; index++)
        {
            if (shardOfNode[index] == shard)
            {
                graph.Node.Add(_graph.Node[index].Clone());
                produced.UnionWith(_graph.Node[index].Output);
            }
        }

        graph.Initializer.AddRange(_graph.Initializer.Where(initializer => initializers.Contains(initializer.Name)).Select(initializer => initializer.Clone()));
        graph.SparseInitializer.AddRange(_graph.SparseInitializer.Where(sparse => initializers.Contains(sparse.Values.Name)).Select(sparse => sparse.Clone()));
        var outputNames = graph.Output.Select(output => output.Name).ToHashSet(StringComparer.Ordinal);
        // Shape hints for tensors computed inside the shard, as the whole graph had them.
        graph.ValueInfo.AddRange(_graph.ValueInfo.Where(info => produced.Contains(info.Name) && !outputNames.Contains(info.Name)).Select(info => info.Clone()));
        var shardModel = new ModelProto
        {
            IrVersion = _model.IrVersion,
            ProducerName = _model.ProducerName,
            ProducerVersion = _model.ProducerVersion,
            Domain = _model.Domain,
            ModelVersion = _model.ModelVersion,
            Graph = graph,
        };
        shardModel.OpsetImport.AddRange(_model.OpsetImport.Select(opset => opset.Clone()));
        shardModel.MetadataProps.AddRange(_model.MetadataProps.Select(property => property.Clone()));
        shardModel.Functions.AddRange(_model.Functions.Select(function => function.Clone()));
        return shardModel;
    }

    /// <summary>
    /// The element types and shapes of the cut tensors, as ONNX Runtime infers them: the whole model is opened once
    /// with the cut tensors added as outputs (an output without a declared type is resolved by inference).
    /// </summary>
    private Dictionary<string, ValueInfoProto> InferTypes(List<string> tensorNames)
    {
        var probe = _model.Clone();
        var existingOutputs = probe.Graph.Output.Select(output => output.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in tensorNames.Where(name => _producerOf.ContainsKey(name) && !existingOutputs.Contains(name)))
        {
            probe.Graph.Output.Add(new ValueInfoProto { Name = name });
        }

        using var opened = OnnxSessionFactory.OpenForInspection(probe.ToByteArray());
        var session = opened.Session;
        var types = new Dictionary<string, ValueInfoProto>(StringComparer.Ordinal);
        foreach (var name in tensorNames)
        {
            var metadata = _producerOf.ContainsKey(name) ? session.OutputMetadata[name] : session.InputMetadata[name];
            TensorSignature signature;
            try
            {
                signature = OnnxSignatures.FromMetadata(name, metadata);
            }
            catch (ModelIntegrityException exception)
            {
                throw new InvalidCutException($"cut tensor {exception.Message}", exception);
            }

            types[name] = ToValueInfo(signature);
        }

        return types;
    }

    private static ValueInfoProto ToValueInfo(TensorSignature signature)
    {
        var shape = new TensorShapeProto();
        foreach (var dimension in signature.Shape)
        {
            var protoDimension = new TensorShapeProto.Types.Dimension();
            if (dimension.Size is { } size)
            {
                protoDimension.DimValue = size;
            }
            else if (dimension.Symbol.Length > 0)
            {
                protoDimension.DimParam = dimension.Symbol;
            }

            shape.Dim.Add(protoDimension);
        }

        return new ValueInfoProto
        {
            Name = signature.Name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)signature.DataType, Shape = shape } },
        };
    }
}
