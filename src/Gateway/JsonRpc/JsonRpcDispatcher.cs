using System.Buffers;
using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hyperion.Gateway.JsonRpc;

/// <summary>
/// Transport-independent JSON-RPC 2.0 server: takes the bytes of one request or one batch and returns
/// the bytes of the response, or null when nothing must be sent back (only notifications).
/// </summary>
public sealed partial class JsonRpcDispatcher
{
    /// <summary>The JSON options used for results and error data; RPC field names are camelCase.</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = CreateSerializerOptions();

    // Method names come from the caller: echo a bounded prefix so an error message cannot be made huge.
    private const int MaxEchoedMethodNameLength = 128;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    private readonly FrozenDictionary<string, RpcMethodHandler> _methods;
    private readonly int _maxBatchSize;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<JsonRpcDispatcher> _logger;

    public JsonRpcDispatcher(
        IEnumerable<IRpcModule> modules,
        IOptions<GatewayOptions> options,
        GatewayMetrics metrics,
        ILogger<JsonRpcDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(modules);
        ArgumentNullException.ThrowIfNull(options);
        var table = new RpcMethodTable();
        foreach (var module in modules)
        {
            module.RegisterMethods(table);
        }

        _methods = table.Freeze();
        _maxBatchSize = options.Value.MaxBatchSize;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>
    /// Handles one HTTP body (or WebSocket message): a single request or a batch.
    /// </summary>
    /// <returns>The UTF-8 JSON response, or null when the input held only notifications.</returns>
    public async ValueTask<byte[]?> DispatchAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken = default)
    {
        // The JSON reader checks structure but leaves string contents for later, where invalid UTF-8
        // would only surface as an exception halfway through a response.
        if (!Utf8.IsValid(request.Span))
        {
            return Unreadable(JsonRpcErrorCodes.ParseError, "Parse error: the body is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(request, DocumentOptions);
        }
        catch (JsonException)
        {
            return Unreadable(JsonRpcErrorCodes.ParseError, "Parse error: the body is not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                return await DispatchBatchAsync(root, cancellationToken).ConfigureAwait(false);
            }

            var response = await DispatchOneAsync(root, cancellationToken).ConfigureAwait(false);
            return response is { } single ? Write(writer => WriteResponse(writer, single)) : null;
        }
    }

    /// <summary>A response holding only an error and a null id, for failures before any request is read.</summary>
    public static byte[] CreateErrorResponse(int code, string message) =>
        Write(writer => WriteResponse(writer, RpcResponse.Failure(default, code, message)));

    /// <summary>Counts and answers a body whose requests could not be read at all.</summary>
    private byte[] Unreadable(int code, string message)
    {
        _metrics.RecordRequest(GatewayMetrics.OtherMethod);
        _metrics.RecordError(GatewayMetrics.OtherMethod, code);
        return CreateErrorResponse(code, message);
    }

    private async ValueTask<byte[]?> DispatchBatchAsync(JsonElement batch, CancellationToken cancellationToken)
    {
        var count = batch.GetArrayLength();
        if (count == 0)
        {
            return Unreadable(JsonRpcErrorCodes.InvalidRequest, "Invalid request: empty batch");
        }

        if (count > _maxBatchSize)
        {
            return Unreadable(
                JsonRpcErrorCodes.InvalidRequest,
                $"Invalid request: a batch of {count} requests exceeds the limit of {_maxBatchSize}");
        }

        // The specification lets a server run a batch's requests concurrently; the answers keep the
        // order of the requests so callers can read them side by side.
        var pending = new Task<RpcResponse?>[count];
        var index = 0;
        foreach (var element in batch.EnumerateArray())
        {
            pending[index++] = DispatchOneAsync(element, cancellationToken).AsTask();
        }

        // Wait for every request, even after a failure, because they all read the same JsonDocument.
        var responses = await Task.WhenAll(pending).ConfigureAwait(false);
        if (Array.TrueForAll(responses, response => response is null))
        {
            return null;
        }

        return Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var response in responses)
            {
                if (response is { } answer)
                {
                    WriteResponse(writer, answer);
                }
            }

            writer.WriteEndArray();
        });
    }

    private async ValueTask<RpcResponse?> DispatchOneAsync(JsonElement request, CancellationToken cancellationToken)
    {
        // Structural errors are answered even without an id: the caller cannot be told otherwise
        // that the request was never understood (the specification's own examples do this).
        if (request.ValueKind != JsonValueKind.Object)
        {
            return InvalidRequest(default, "Invalid request: a request must be a JSON object");
        }

        var isNotification = !request.TryGetProperty("id", out var id);
        if (!isNotification
            && (id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.Null)
                || (id.ValueKind == JsonValueKind.String && !TryGetString(id, out _))))
        {
            return InvalidRequest(default, "Invalid request: id must be a string, a number or null");
        }

        if (!request.TryGetProperty("jsonrpc", out var version)
            || version.ValueKind != JsonValueKind.String
            || !version.ValueEquals("2.0"))
        {
            return InvalidRequest(id, "Invalid request: jsonrpc must be \"2.0\"");
        }

        if (!request.TryGetProperty("method", out var methodElement)
            || methodElement.ValueKind != JsonValueKind.String
            || !TryGetString(methodElement, out var method))
        {
            return InvalidRequest(id, "Invalid request: method must be a string");
        }

        var registered = _methods.TryGetValue(method, out var handler);
        var metricName = registered ? method : GatewayMetrics.OtherMethod;
        _metrics.RecordRequest(metricName);

        RpcResponse response;
        if (!registered)
        {
            response = Failure(id, metricName, JsonRpcErrorCodes.MethodNotFound, $"Method not found: {Echo(method)}");
        }
        else if (!TryReadParams(request, out var parameters))
        {
            response = Failure(
                id, metricName, JsonRpcErrorCodes.InvalidParams, "Invalid params: params must be an array or an object");
        }
        else
        {
            response = await InvokeAsync(handler!, id, method, parameters, cancellationToken).ConfigureAwait(false);
        }

        return isNotification ? null : response;
    }

    private async ValueTask<RpcResponse> InvokeAsync(
        RpcMethodHandler handler, JsonElement id, string method, JsonElement parameters, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await handler(new RpcParams(method, parameters), cancellationToken).ConfigureAwait(false);

            // Serialized here, inside the try, so a result that cannot be written fails this request only.
            var resultJson = result is null
                ? null
                : JsonSerializer.SerializeToUtf8Bytes(result, result.GetType(), SerializerOptions);
            return RpcResponse.Success(id, resultJson);
        }
        catch (RpcException exception)
        {
            return Failure(id, method, exception.Code, exception.Message, exception.ErrorData);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (IsGridInTransition(exception))
        {
            // A silo just died or is joining: its grains are moving. Nothing was lost; the caller can retry.
            LogMethodFailed(_logger, method, exception);
            return Failure(
                id,
                method,
                JsonRpcErrorCodes.ServerError,
                "The grid is moving grains after a silo was lost or added; nothing committed is lost. Retry in a few seconds.");
        }
#pragma warning disable CA1031 // Any failure of a method must become a JSON-RPC error, never a torn response.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogMethodFailed(_logger, method, exception);
            return Failure(id, method, JsonRpcErrorCodes.InternalError, "Internal error");
        }
        finally
        {
            _metrics.RecordDuration(method, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The failures Orleans reports while membership catches up with a lost or new silo.</summary>
    private static bool IsGridInTransition(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or ClientNotAvailableException
        || (exception is AggregateException { InnerException: { } inner } && IsGridInTransition(inner));

    private static bool TryReadParams(JsonElement request, out JsonElement parameters)
    {
        if (!request.TryGetProperty("params", out parameters) || parameters.ValueKind == JsonValueKind.Null)
        {
            // Absent and null both mean "no parameters"; many clients send null.
            parameters = default;
            return true;
        }

        return parameters.ValueKind is JsonValueKind.Array or JsonValueKind.Object;
    }

    /// <summary>Reads a JSON string, failing on escapes that make no valid text (a lone \uD800).</summary>
    private static bool TryGetString(JsonElement element, [NotNullWhen(true)] out string? value)
    {
        try
        {
            value = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            value = null;
            return false;
        }
    }

    private RpcResponse InvalidRequest(JsonElement id, string message)
    {
        _metrics.RecordRequest(GatewayMetrics.OtherMethod);
        return Failure(id, GatewayMetrics.OtherMethod, JsonRpcErrorCodes.InvalidRequest, message);
    }

    private RpcResponse Failure(JsonElement id, string metricName, int code, string message, object? data = null)
    {
        _metrics.RecordError(metricName, code);
        return RpcResponse.Failure(id, code, message, SerializeErrorData(data));
    }

    private byte[]? SerializeErrorData(object? data)
    {
        if (data is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), SerializerOptions);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            // The error itself still reaches the caller; only its optional detail is dropped.
            LogErrorDataDropped(_logger, data.GetType(), exception);
            return null;
        }
    }

    private static string Echo(string method) =>
        method.Length <= MaxEchoedMethodNameLength ? method : string.Concat(method.AsSpan(0, MaxEchoedMethodNameLength), "…");

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteResponse(Utf8JsonWriter writer, RpcResponse response)
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc", "2.0");
        writer.WritePropertyName("id");
        if (response.Id.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteNullValue();
        }
        else
        {
            // Written back exactly as received, so large or fractional numeric ids survive unchanged.
            response.Id.WriteTo(writer);
        }

        if (response.ErrorMessage is { } message)
        {
            writer.WriteStartObject("error");
            writer.WriteNumber("code", response.ErrorCode);
            writer.WriteString("message", message);
            if (response.ErrorDataJson is { } data)
            {
                writer.WritePropertyName("data");
                writer.WriteRawValue(data, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }
        else if (response.ResultJson is { } result)
        {
            writer.WritePropertyName("result");
            writer.WriteRawValue(result, skipInputValidation: true);
        }
        else
        {
            writer.WriteNull("result");
        }

        writer.WriteEndObject();
    }

    private static JsonSerializerOptions CreateSerializerOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RPC error data of type {DataType} cannot be serialized")]
    private static partial void LogErrorDataDropped(ILogger logger, Type dataType, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "RPC method {Method} failed")]
    private static partial void LogMethodFailed(ILogger logger, string method, Exception exception);

    private readonly record struct RpcResponse(
        JsonElement Id, byte[]? ResultJson, int ErrorCode, string? ErrorMessage, byte[]? ErrorDataJson)
    {
        public static RpcResponse Success(JsonElement id, byte[]? resultJson) => new(id, resultJson, 0, null, null);

        public static RpcResponse Failure(JsonElement id, int code, string message, byte[]? dataJson = null) =>
            new(id, null, code, message, dataJson);
    }
}
