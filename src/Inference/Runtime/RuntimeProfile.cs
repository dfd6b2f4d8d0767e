namespace Hyperion.Inference.Runtime;

/// <summary>Where ONNX Runtime runs a graph.</summary>
public enum ExecutionProviderKind
{
    Cpu,
    Cuda,
}

/// <summary>ONNX Runtime's graph optimisation levels (<c>GraphOptimizationLevel</c>), named for manifests.</summary>
public enum GraphOptimization
{
    Disabled,
    Basic,
    Extended,
    All,
}

/// <summary>Whether independent nodes may run at the same time (<c>ExecutionMode</c>).</summary>
public enum NodeExecutionMode
{
    Sequential,
    Parallel,
}

/// <summary>
/// Everything about how ONNX Runtime is set up that can change the bits of a result. A manifest records the profile
/// its pins were computed under; verification re-runs under <see cref="Canonical"/> only.
/// </summary>
/// <param name="OnnxRuntimeVersion">The native ONNX Runtime version; checked against the loaded library for the canonical profile.</param>
/// <param name="Provider">The execution provider asked for (a CUDA request may fall back to CPU; the session reports which ran).</param>
/// <param name="IntraOpThreads">Threads inside one operator (a GEMM split over threads sums in a different order).</param>
/// <param name="InterOpThreads">Threads across independent operators.</param>
/// <param name="ExecutionMode">Sequential or parallel node execution.</param>
/// <param name="GraphOptimization">The graph rewrites ONNX Runtime applies before running.</param>
/// <param name="DeterministicCompute">The <c>session.use_deterministic_compute</c> entry: kernels with a deterministic variant use it.</param>
/// <param name="DenormalsAsZero">The <c>session.set_denormal_as_zero</c> entry: flush subnormal floats to zero.</param>
public sealed record RuntimeProfile(
    string OnnxRuntimeVersion,
    ExecutionProviderKind Provider,
    int IntraOpThreads,
    int InterOpThreads,
    NodeExecutionMode ExecutionMode,
    GraphOptimization GraphOptimization,
    bool DeterministicCompute,
    bool DenormalsAsZero)
{
    /// <summary>The ONNX Runtime version the canonical profile is pinned to; changing it is a protocol change.</summary>
    public const string CanonicalOnnxRuntimeVersion = "1.31.1";

    /// <summary>
    /// The profile that verification re-runs: CPU, one thread inside and across operators, sequential nodes,
    /// no graph optimisation, deterministic kernels, subnormals kept, ONNX Runtime 1.31.1.
    /// </summary>
    /// <remarks>
    /// Optimisation is disabled, not "basic", because the canonical computation must be the shard graphs exactly as
    /// written: basic already folds constants and fuses nodes (Conv+BatchNorm, Conv+Add, ...), which changes the
    /// rounding (ResNet18 moved by up to 3.8e-6 between levels), and a fusion cannot reach across a cut, so a model
    /// split into shards would no longer compute the same bits as the whole model. It also keeps the computation
    /// independent of the optimiser's passes, which change between ONNX Runtime releases. It costs speed, which is
    /// why serving may use <see cref="Throughput"/> and verification never does. One thread and sequential
    /// execution keep every reduction in one order (a GEMM split over threads sums partial results differently).
    /// </remarks>
    public static RuntimeProfile Canonical { get; } = new(
        CanonicalOnnxRuntimeVersion,
        ExecutionProviderKind.Cpu,
        IntraOpThreads: 1,
        InterOpThreads: 1,
        NodeExecutionMode.Sequential,
        GraphOptimization.Disabled,
        DeterministicCompute: true,
        DenormalsAsZero: false);

    /// <summary>Whether this is the canonical profile, the only one whose results are used for verification.</summary>
    public bool IsCanonical => Equals(Canonical);

    /// <summary>
    /// A serving profile for speed: all graph optimisations, <paramref name="intraOpThreads"/> threads per operator,
    /// on <paramref name="provider"/>, under whatever ONNX Runtime is loaded. Its results are never verification results.
    /// </summary>
    public static RuntimeProfile Throughput(ExecutionProviderKind provider, int intraOpThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(intraOpThreads);
        return new RuntimeProfile(
            OnnxRuntimeInfo.NativeVersion,
            provider,
            intraOpThreads,
            InterOpThreads: 1,
            NodeExecutionMode.Sequential,
            GraphOptimization.All,
            DeterministicCompute: false,
            DenormalsAsZero: false);
    }
}
