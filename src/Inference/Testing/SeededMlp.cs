using Google.Protobuf;
using Hyperion.Inference.Tensors;
using Onnx;

namespace Hyperion.Inference.Testing;

/// <summary>
/// A small float32 MLP built in C#, its weights drawn from a seeded generator so that every build gives the same
/// bytes: input [N,16] → Gemm(16→32) → Relu → MatMul(32→32) + Add → Relu → (optional residual Add of the first
/// hidden layer) → Gemm(32→4) → output [N,4]. Tensor names, in graph order: input, fc1, hidden1, fc2_matmul, fc2,
/// hidden2, (residual2), output; weights W1, B1, W2, B2, W3, B3.
/// </summary>
/// <remarks>
/// Public so that the library's tests, the grain tests and the inference benchmark share one model (and an operator
/// can smoke-test a grid without any model file): it is small, self-contained and the same bytes on every machine.
/// </remarks>
public static class SeededMlp
{
    public const int InputWidth = 16;
    public const int HiddenWidth = 32;
    public const int OutputWidth = 4;

    /// <summary>W1 + B1 + W2 + B2 + W3 + B3.</summary>
    public const long ParameterCount = (16 * 32) + 32 + (32 * 32) + 32 + (32 * 4) + 4;

    public static byte[] Build(ulong seed = 42, bool residual = false)
    {
        var random = new SplitMix64(seed);
        var graph = new GraphProto { Name = residual ? "seeded_residual_mlp" : "seeded_mlp" };
        graph.Input.Add(FloatTensor("input", ["N", InputWidth]));
        graph.Output.Add(FloatTensor("output", ["N", OutputWidth]));
        graph.Initializer.Add(Weights("W1", [InputWidth, HiddenWidth], random));
        graph.Initializer.Add(Weights("B1", [HiddenWidth], random));
        graph.Initializer.Add(Weights("W2", [HiddenWidth, HiddenWidth], random));
        graph.Initializer.Add(Weights("B2", [HiddenWidth], random));
        graph.Initializer.Add(Weights("W3", [HiddenWidth, OutputWidth], random));
        graph.Initializer.Add(Weights("B3", [OutputWidth], random));
        graph.Node.Add(Node("Gemm", "layer1", ["input", "W1", "B1"], "fc1"));
        graph.Node.Add(Node("Relu", "relu1", ["fc1"], "hidden1"));
        graph.Node.Add(Node("MatMul", "layer2_matmul", ["hidden1", "W2"], "fc2_matmul"));
        graph.Node.Add(Node("Add", "layer2_bias", ["fc2_matmul", "B2"], "fc2"));
        graph.Node.Add(Node("Relu", "relu2", ["fc2"], "hidden2"));
        var lastHidden = "hidden2";
        if (residual)
        {
            graph.Node.Add(Node("Add", "skip", ["hidden2", "hidden1"], "residual2"));
            lastHidden = "residual2";
        }

        graph.Node.Add(Node("Gemm", "layer3", [lastHidden, "W3", "B3"], "output"));
        var model = new ModelProto { IrVersion = 8, ProducerName = "hyperion-inference-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 13 });
        return model.ToByteArray();
    }

    /// <summary>A request of <paramref name="rows"/> rows of seeded values in [-1, 1).</summary>
    public static TensorSet Input(int rows, ulong seed)
    {
        var random = new SplitMix64(seed);
        var values = new float[rows * InputWidth];
        for (var index = 0; index < values.Length; index++)
        {
            values[index] = random.NextSingle() * 2 - 1;
        }

        return new TensorSet(NamedTensor.FromSingles("input", [rows, InputWidth], values));
    }

    private static ValueInfoProto FloatTensor(string name, object[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dimension in shape)
        {
            tensorShape.Dim.Add(dimension is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = (int)dimension });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
        };
    }

    /// <summary>Uniform in ±1/√fan-in, the usual scale that keeps activations in range through the layers.</summary>
    private static TensorProto Weights(string name, long[] dimensions, SplitMix64 random)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dimensions);
        var scale = 1 / MathF.Sqrt(dimensions[0]);
        var count = dimensions.Aggregate(1L, (product, dimension) => product * dimension);
        for (var index = 0; index < count; index++)
        {
            tensor.FloatData.Add(((random.NextSingle() * 2) - 1) * scale);
        }

        return tensor;
    }

    private static NodeProto Node(string opType, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    /// <summary>SplitMix64: a fixed, tiny generator, so the weights never depend on a runtime's Random implementation.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public float NextSingle()
        {
            _state += 0x9E3779B97F4A7C15UL;
            var mixed = _state;
            mixed = (mixed ^ (mixed >> 30)) * 0xBF58476D1CE4E5B9UL;
            mixed = (mixed ^ (mixed >> 27)) * 0x94D049BB133111EBUL;
            mixed ^= mixed >> 31;
            return (mixed >> 40) * (1.0f / (1 << 24));
        }
    }
}
