using Hyperion.Gateway.Health;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace Hyperion.Gateway;

public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds the JSON-RPC gateway: dispatcher, the built-in RPC modules, metrics and health checks.
    /// The host adds Orleans (silo or client) itself, and may register its own <see cref="IClusterReadiness"/>.
    /// </summary>
    public static IServiceCollection AddHyperionGateway(
        this IServiceCollection services, Action<GatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GatewayOptions>()
            .Configure(options => configure?.Invoke(options))
            .Validate(options => options.ChainId > 0, "ChainId must be positive")
            .Validate(options => options.MaxRequestBodyBytes > 0, "MaxRequestBodyBytes must be positive")
            .Validate(options => options.MaxBatchSize > 0, "MaxBatchSize must be positive")
            .ValidateOnStart();

        // Called twice, the health checks would be registered twice under one name.
        if (services.Any(descriptor => descriptor.ServiceType == typeof(JsonRpcDispatcher)))
        {
            return services;
        }

        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<JsonRpcDispatcher>();
        services.TryAddSingleton<JsonRpcHttpEndpoint>();
        services.TryAddSingleton<IClusterReadiness, HostStartedReadiness>();
        services.AddRpcModule<EthModule>()
            .AddRpcModule<NetModule>()
            .AddRpcModule<Web3Module>()
            .AddRpcModule<HyperionModule>();
        services.AddHealthChecks()
            .AddCheck<ClusterReadinessHealthCheck>(
                ClusterReadinessHealthCheck.Name, tags: [ClusterReadinessHealthCheck.ReadinessTag]);

        // Every Hyperion meter (gateway, chain, inference) and Orleans' own, in the Prometheus text format at /metrics.
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("Hyperion.*")
            .AddMeter("Microsoft.Orleans")
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Adds an RPC module; its methods are served by every <see cref="JsonRpcDispatcher"/>.</summary>
    public static IServiceCollection AddRpcModule<TModule>(this IServiceCollection services)
        where TModule : class, IRpcModule
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRpcModule, TModule>());
        return services;
    }
}
