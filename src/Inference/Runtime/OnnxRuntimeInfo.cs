using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Microsoft.ML.OnnxRuntime;

namespace Hyperion.Inference.Runtime;

/// <summary>Facts about the ONNX Runtime library and processor this process runs on.</summary>
public static class OnnxRuntimeInfo
{
    private static readonly Lazy<string> Version = new(() => OrtEnv.Instance().GetVersionString());

    /// <summary>The version the loaded native library reports ("1.31.1"), not the managed package's.</summary>
    public static string NativeVersion => Version.Value;

    /// <summary>
    /// Whether this process was built against the CUDA package (<c>-p:HyperionGpu=true</c>). It says nothing about
    /// whether a GPU or the CUDA libraries are present: only creating a session tells that.
    /// </summary>
    public static bool IsGpuBuild =>
#if HYPERION_GPU
        true;
#else
        false;
#endif

    /// <summary>
    /// The instruction-set family ONNX Runtime's CPU kernels (MLAS) dispatch on: "x64-avx512f", "x64-avx2-fma",
    /// "x64-avx", "x64-sse", "arm64", ... Canonical results are byte-identical run to run on one family; MLAS picks
    /// different GEMM kernels per family (with or without fused multiply-add), so verifiers should report it beside a
    /// disagreement before blaming the prover.
    /// </summary>
    public static string InstructionSetFamily { get; } = DetectInstructionSetFamily();

    private static string DetectInstructionSetFamily() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 when Avx512F.IsSupported => "x64-avx512f",
        Architecture.X64 when Avx2.IsSupported && Fma.IsSupported => "x64-avx2-fma",
        Architecture.X64 when Avx.IsSupported => "x64-avx",
        Architecture.X64 => "x64-sse",
        var architecture => architecture.ToString().ToLowerInvariant(),
    };
}
