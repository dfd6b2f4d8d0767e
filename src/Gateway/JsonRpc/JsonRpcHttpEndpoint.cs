using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Hyperion.Gateway.JsonRpc;

/// <summary>The HTTP transport of <see cref="JsonRpcDispatcher"/>: body limits, content type, status codes.</summary>
internal sealed partial class JsonRpcHttpEndpoint(
    JsonRpcDispatcher dispatcher,
    IOptions<GatewayOptions> options,
    ILogger<JsonRpcHttpEndpoint> logger)
{
    private const string JsonContentType = "application/json";

    private readonly int _maxBodyBytes = options.Value.MaxRequestBodyBytes;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        if (!IsJson(request.ContentType))
        {
            await WriteAsync(
                context,
                StatusCodes.Status415UnsupportedMediaType,
                JsonRpcDispatcher.CreateErrorResponse(
                    JsonRpcErrorCodes.InvalidRequest, $"Unsupported content type {request.ContentType}; send {JsonContentType}"))
                .ConfigureAwait(false);
            return;
        }

        // Kestrel has its own limit (30 MB); ours decides, so a node configured above it still reads the body.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrelLimit)
        {
            kestrelLimit.MaxRequestBodySize = Math.Max(_maxBodyBytes + 1L, kestrelLimit.MaxRequestBodySize ?? 0);
        }

        var body = request.ContentLength > _maxBodyBytes
            ? null
            : await ReadBodyAsync(request.BodyReader, _maxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            await WriteAsync(
                context,
                StatusCodes.Status413PayloadTooLarge,
                JsonRpcDispatcher.CreateErrorResponse(
                    JsonRpcErrorCodes.InvalidRequest, $"Request body too large: the limit is {_maxBodyBytes} bytes"))
                .ConfigureAwait(false);
            return;
        }

        byte[]? response;
        try
        {
            response = await dispatcher.DispatchAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // The caller has gone; nobody is left to answer.
        }
#pragma warning disable CA1031 // A failure of the dispatcher itself still gets a JSON-RPC answer, without its stack trace.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogDispatchFailed(logger, exception);
            response = JsonRpcDispatcher.CreateErrorResponse(JsonRpcErrorCodes.InternalError, "Internal error");
        }

        if (response is null)
        {
            // Only notifications: JSON-RPC sends nothing back, HTTP says so with 204.
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await WriteAsync(context, StatusCodes.Status200OK, response).ConfigureAwait(false);
    }

    /// <summary>A missing content type is accepted, as most Ethereum clients do; anything else must be JSON.</summary>
    private static bool IsJson(string? contentType) =>
        string.IsNullOrEmpty(contentType)
        || (MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            && mediaType.MediaType.Equals(JsonContentType, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the whole body, or returns null as soon as it passes <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadBodyAsync(PipeReader reader, int limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = read.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            if (read.IsCompleted)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static Task WriteAsync(HttpContext context, int statusCode, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = JsonContentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "JSON-RPC dispatch failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);
}
