using Hyperion.Grains.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Hyperion.Grains.Inference;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Everything the inference grains need on a silo: options, the "Hyperion.Inference" metrics, the manifest and
    /// verification caches, the GPU-preferring placement director, and the precompile at 0x…0a11 as an
    /// <see cref="IPrecompileContributor"/>. The grains keep their state in the "hyperion" grain storage, which the
    /// host registers.
    /// </summary>
    public static ISiloBuilder AddHyperionInference(this ISiloBuilder builder, Action<InferenceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHyperionInference(configure);
        return builder;
    }

    /// <inheritdoc cref="AddHyperionInference(ISiloBuilder, Action{InferenceOptions}?)"/>
    public static IServiceCollection AddHyperionInference(this IServiceCollection services, Action<InferenceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<InferenceOptions>()
            .Configure(options => configure?.Invoke(options))
            .Validate(options =>
            {
                options.Validate();
                return true;
            });
        if (services.Any(descriptor => descriptor.ServiceType == typeof(InferenceMetrics)))
        {
            return services;
        }

        services.AddMetrics();
        services.TryAddSingleton<InferenceMetrics>();
        services.TryAddSingleton<ModelManifestCache>();
        services.TryAddSingleton<CanonicalPipelineCache>();
        services.TryAddSingleton<LocalSiloGpu>();
        services.TryAddSingleton<IInferenceBackend, GrainInferenceBackend>();
        services.TryAddSingleton(provider => new InferencePrecompile(
            provider.GetRequiredService<IInferenceBackend>(),
            provider.GetRequiredService<IOptions<InferenceOptions>>().Value.PrecompileCacheEntries));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPrecompileContributor, InferencePrecompileContributor>());
        services.AddPlacementDirector<GpuPreferredPlacement, GpuPreferredPlacementDirector>();
        return services;
    }

    /// <summary>
    /// Announces <paramref name="gpuCount"/> GPUs in this silo's metadata, so that shard grains are placed here first.
    /// A host that sets other silo metadata adds <see cref="InferenceOptions.GpuMetadataKey"/> to its own dictionary instead.
    /// </summary>
    public static ISiloBuilder AnnounceInferenceGpus(this ISiloBuilder builder, int gpuCount)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(gpuCount);
        return builder.UseSiloMetadata(new Dictionary<string, string>
        {
            [InferenceOptions.GpuMetadataKey] = gpuCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }
}
