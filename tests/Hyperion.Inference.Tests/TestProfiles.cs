using Hyperion.Inference.Runtime;

namespace Hyperion.Inference.Tests;

/// <summary>
/// The canonical settings under whichever ONNX Runtime this build loads. In the default build that is exactly
/// <see cref="RuntimeProfile.Canonical"/>; in the GPU build (ONNX Runtime 1.31.0) the canonical profile is refused, so
/// the same settings run unlabelled, which still lets that build check sharding, batching and determinism.
/// </summary>
internal static class TestProfiles
{
    public static bool CanonicalRuntimeLoaded { get; } =
        OnnxRuntimeInfo.NativeVersion == RuntimeProfile.CanonicalOnnxRuntimeVersion;

    public static RuntimeProfile CanonicalSettings { get; } = CanonicalRuntimeLoaded
        ? RuntimeProfile.Canonical
        : RuntimeProfile.Canonical with { OnnxRuntimeVersion = OnnxRuntimeInfo.NativeVersion };

    /// <summary>Set by the GPU machine check: CUDA must really run, not fall back.</summary>
    public static bool CudaExpected { get; } = Environment.GetEnvironmentVariable("HYPERION_EXPECT_CUDA") == "1";
}
