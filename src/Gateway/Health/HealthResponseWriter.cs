using System.Text.Json;
using Hyperion.Gateway.Modules;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hyperion.Gateway.Health;

/// <summary>Writes health reports as <c>{"status":"ok","version":…,"checks":{…}}</c>.</summary>
internal static class HealthResponseWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new Utf8JsonWriter(context.Response.BodyWriter);
        await using (body.ConfigureAwait(false))
        {
            body.WriteStartObject();
            body.WriteString("status", report.Status switch
            {
                HealthStatus.Healthy => "ok",
                HealthStatus.Degraded => "degraded",
                _ => "unavailable",
            });
            body.WriteString("version", Web3Module.ClientVersion);
            body.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                body.WriteString(name, entry.Description ?? entry.Status.ToString());
            }

            body.WriteEndObject();
            body.WriteEndObject();
            await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }
}
