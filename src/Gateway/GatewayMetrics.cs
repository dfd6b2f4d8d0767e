using System.Diagnostics.Metrics;

namespace Hyperion.Gateway;

/// <summary>
/// Request, error and latency counts per RPC method, on the meter <see cref="MeterName"/>
/// (tag names follow the OpenTelemetry RPC conventions).
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>The name of the gateway's meter, for exporters and listeners.</summary>
    public const string MeterName = "Hyperion.Gateway";

    /// <summary>
    /// The method tag of requests for unknown or unreadable methods: tagging them with what the caller
    /// sent would let any caller grow the number of time series without bound.
    /// </summary>
    public const string OtherMethod = "_OTHER";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _duration;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>(
            "hyperion.gateway.rpc.requests", unit: "{request}", description: "JSON-RPC requests received, per method.");
        _errors = meter.CreateCounter<long>(
            "hyperion.gateway.rpc.errors", unit: "{error}", description: "JSON-RPC error responses, per method and code.");
        _duration = meter.CreateHistogram<double>(
            "hyperion.gateway.rpc.duration", unit: "s", description: "Time spent running RPC methods.");
    }

    public void RecordRequest(string method) =>
        _requests.Add(1, new KeyValuePair<string, object?>("rpc.method", method));

    public void RecordError(string method, int code) =>
        _errors.Add(
            1,
            new KeyValuePair<string, object?>("rpc.method", method),
            new KeyValuePair<string, object?>("rpc.jsonrpc.error_code", code));

    public void RecordDuration(string method, TimeSpan elapsed) =>
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("rpc.method", method));
}
