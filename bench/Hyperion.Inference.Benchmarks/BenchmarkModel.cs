using Google.Protobuf;
using Hyperion.Inference.Tensors;
using Hyperion.Inference.Testing;
using Onnx;

namespace Hyperion.Inference.Benchmarks;

/// <summary>A model for the benchmark: its bytes, where it is cut into two shards, and one request.</summary>
internal sealed record BenchmarkModel(string Name, byte[] Onnx, string Cut, TensorSet Input)
{
    public static BenchmarkModel Load(string name) => name switch
    {
        "mlp" => new BenchmarkModel("seeded-mlp", SeededMlp.Build(), "hidden1", SeededMlp.Input(1, 1)),
        "resnet18" => ResNet18(),
        _ => throw new ArgumentException($"unknown model {name} (mlp, resnet18)"),
    };

    /// <summary>
    /// ResNet18 from Microsoft.ML.DnnImageFeaturizer.ResNet18 (input [1,3,224,224], output [1,512,1,1]), with the batch
    /// dimension of its input and output made free ("N") so that requests can be batched (the graph has no reshape that
    /// depends on it), cut after the second residual stage.
    /// </summary>
    private static BenchmarkModel ResNet18()
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "models", "ResNet18.onnx")));
        var initializers = model.Graph.Initializer.Select(initializer => initializer.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var value in model.Graph.Input.Where(input => !initializers.Contains(input.Name)).Concat(model.Graph.Output))
        {
            value.Type.TensorType.Shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = "N" };
        }

        model.Graph.ValueInfo.Clear();
        var random = new Random(18);
        var pixels = new float[3 * 224 * 224];
        for (var index = 0; index < pixels.Length; index++)
        {
            pixels[index] = (float)random.NextDouble();
        }

        var input = model.Graph.Input.First(value => !initializers.Contains(value.Name)).Name;
        return new BenchmarkModel("resnet18", model.ToByteArray(), "ReLU315_Output_0", new TensorSet(NamedTensor.FromSingles(input, [1, 3, 224, 224], pixels)));
    }
}
