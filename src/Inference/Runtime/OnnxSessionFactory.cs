using Microsoft.ML.OnnxRuntime;

namespace Hyperion.Inference.Runtime;

/// <summary>An ONNX Runtime session, the options it was made with, and the provider that actually runs it.</summary>
internal sealed class OpenedOnnxSession(
    InferenceSession session,
    SessionOptions options,
    ExecutionProviderKind activeProvider,
    string? providerFallbackReason) : IDisposable
{
    public InferenceSession Session { get; } = session;

    public ExecutionProviderKind ActiveProvider { get; } = activeProvider;

    public string? ProviderFallbackReason { get; } = providerFallbackReason;

    public void Dispose()
    {
        Session.Dispose();
        options.Dispose();
    }
}

/// <summary>Turns a <see cref="RuntimeProfile"/> into ONNX Runtime session options and opens sessions under it.</summary>
internal static class OnnxSessionFactory
{
    // Differs from every real version, so an inspection profile is never mistaken for the canonical one.
    private const string InspectionVersionMarker = "inspection";

    /// <summary>
    /// Opens a session for <paramref name="model"/> under <paramref name="profile"/>. A CUDA profile tries the CUDA
    /// provider and falls back to CPU when ONNX Runtime refuses it (no CUDA in this build, CUDA libraries or the GPU
    /// missing), reporting why. <c>GetAvailableProviders()</c> is not consulted: it lists CUDA in the GPU package
    /// even on a machine without a GPU, so only trying tells.
    /// </summary>
    /// <exception cref="CanonicalProfileException">The canonical profile is asked for under another ONNX Runtime version.</exception>
    public static OpenedOnnxSession Open(byte[] model, RuntimeProfile profile, int cudaDeviceId)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.IsCanonical)
        {
            EnsureCanonicalProfileCanBeHonoured();
        }

        string? fallbackReason = null;
        if (profile.Provider == ExecutionProviderKind.Cuda)
        {
            var cudaOptions = CreateOptions(profile);
            try
            {
                cudaOptions.AppendExecutionProvider_CUDA(cudaDeviceId);
                // The provider can register and still fail when the session binds to the device, so both steps are tried.
                return new OpenedOnnxSession(new InferenceSession(model, cudaOptions), cudaOptions, ExecutionProviderKind.Cuda, null);
            }
            // The GPU package throws OnnxRuntimeException when the CUDA libraries or the device are missing; the CPU
            // package's native library has no CUDA entry point at all.
            catch (Exception exception) when (exception is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                cudaOptions.Dispose();
                fallbackReason = $"CUDA execution provider unavailable, running on CPU: {exception.Message}";
            }
        }

        var cpuOptions = CreateOptions(profile);
        try
        {
            return new OpenedOnnxSession(new InferenceSession(model, cpuOptions), cpuOptions, ExecutionProviderKind.Cpu, fallbackReason);
        }
        catch
        {
            cpuOptions.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a CPU session with the canonical settings under whatever ONNX Runtime is loaded, to read what it resolves
    /// about a graph (types, shapes); never used to produce results.
    /// </summary>
    public static OpenedOnnxSession OpenForInspection(byte[] model) =>
        Open(model, RuntimeProfile.Canonical with { OnnxRuntimeVersion = InspectionVersionMarker }, cudaDeviceId: 0);

    /// <summary>Refuses to call results canonical when they would not be comparable with other verifiers'.</summary>
    public static void EnsureCanonicalProfileCanBeHonoured() => EnsureCanonicalProfileCanBeHonoured(OnnxRuntimeInfo.NativeVersion);

    /// <summary>The check against a given loaded version, so that a mismatch can be tested without a second runtime.</summary>
    internal static void EnsureCanonicalProfileCanBeHonoured(string loaded)
    {
        if (!string.Equals(loaded, RuntimeProfile.CanonicalOnnxRuntimeVersion, StringComparison.Ordinal))
        {
            throw new CanonicalProfileException(
                $"the canonical profile is pinned to ONNX Runtime {RuntimeProfile.CanonicalOnnxRuntimeVersion}, but the loaded library is {loaded}; " +
                "results from it would not be canonical (build without -p:HyperionGpu=true, or change the pin as a protocol upgrade)");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new CanonicalProfileException("the canonical tensor encoding is little-endian and this host is big-endian");
        }
    }

    private static SessionOptions CreateOptions(RuntimeProfile profile)
    {
        var options = new SessionOptions();
        try
        {
            options.IntraOpNumThreads = profile.IntraOpThreads;
            options.InterOpNumThreads = profile.InterOpThreads;
            options.ExecutionMode = profile.ExecutionMode switch
            {
                NodeExecutionMode.Sequential => ExecutionMode.ORT_SEQUENTIAL,
                NodeExecutionMode.Parallel => ExecutionMode.ORT_PARALLEL,
                _ => throw new ArgumentOutOfRangeException(nameof(profile), profile.ExecutionMode, "unknown execution mode"),
            };
            options.GraphOptimizationLevel = profile.GraphOptimization switch
            {
                GraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                GraphOptimization.All => GraphOptimizationLevel.ORT_ENABLE_ALL,
                _ => throw new ArgumentOutOfRangeException(nameof(profile), profile.GraphOptimization, "unknown graph optimisation level"),
            };
            options.AddSessionConfigEntry("session.use_deterministic_compute", profile.DeterministicCompute ? "1" : "0");
            options.AddSessionConfigEntry("session.set_denormal_as_zero", profile.DenormalsAsZero ? "1" : "0");
            // Warnings such as "initializer not used" would go to stderr on every shard load; errors still surface as exceptions.
            options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}
