using Hyperion.Inference.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Hyperion.Inference.Benchmarks;

/// <summary>
/// The baseline: one ONNX Runtime session on the whole, unsharded model with the canonical profile's settings (CPU,
/// one thread per run, sequential, no graph optimisation, deterministic compute), called from every load thread at once.
/// </summary>
internal sealed class PlainOnnxRuntime : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;

    public PlainOnnxRuntime(byte[] onnx)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
        };
        _options.AddSessionConfigEntry("session.use_deterministic_compute", "1");
        _options.AddSessionConfigEntry("session.set_denormal_as_zero", "0");
        _session = new InferenceSession(onnx, _options);
    }

    public TensorSet Run(TensorSet inputs)
    {
        var values = inputs.Select(tensor => NamedOnnxValue.CreateFromTensor(tensor.Name, new DenseTensor<float>(tensor.ToSingles(), [.. tensor.Dimensions.Select(dimension => (int)dimension)]))).ToArray();
        using var outputs = _session.Run(values);
        return new TensorSet(outputs.Select(output =>
        {
            var tensor = output.AsTensor<float>();
            return NamedTensor.FromSingles(output.Name, [.. tensor.Dimensions.ToArray().Select(dimension => (long)dimension)], tensor.ToArray());
        }));
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}
