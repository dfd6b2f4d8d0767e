using Hyperion.Gateway.Health;
using Hyperion.Gateway.JsonRpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hyperion.Gateway;

public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps JSON-RPC on <c>POST /</c> and <c>POST /rpc</c>, liveness on <c>GET /health</c> and
    /// readiness (the cluster can take calls) on <c>GET /health/ready</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapHyperionGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        RequestDelegate rpc = context => context.RequestServices.GetRequiredService<JsonRpcHttpEndpoint>().HandleAsync(context);
        endpoints.MapPost("/", rpc).WithDisplayName("JSON-RPC");
        endpoints.MapPost("/rpc", rpc).WithDisplayName("JSON-RPC (/rpc)");

        endpoints.MapHealthChecks("/health", new HealthCheckOptions
        {
            // Liveness: answering at all is the check, so no registered check runs.
            Predicate = _ => false,
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ClusterReadinessHealthCheck.ReadinessTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        endpoints.MapPrometheusScrapingEndpoint("/metrics");
        return endpoints;
    }
}
