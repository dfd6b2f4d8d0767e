using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hyperion.Gateway.Health;

/// <summary>Exposes <see cref="IClusterReadiness"/> to ASP.NET Core health checks (the readiness probe).</summary>
internal sealed class ClusterReadinessHealthCheck(IClusterReadiness readiness) : IHealthCheck
{
    public const string Name = "cluster";

    public const string ReadinessTag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = readiness.Check();
        return Task.FromResult(report.IsReady
            ? HealthCheckResult.Healthy(report.Description)
            : HealthCheckResult.Unhealthy(report.Description));
    }
}
