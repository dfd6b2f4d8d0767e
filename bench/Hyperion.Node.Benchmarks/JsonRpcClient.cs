using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Hyperion.Node.Benchmarks;

/// <summary>A JSON-RPC error answer (the node understood the request and refused it).</summary>
internal sealed class JsonRpcException(string method, string error) : Exception($"{method} failed: {error}")
{
    public string Method { get; } = method;

    /// <summary>The error object as the node wrote it.</summary>
    public string Error { get; } = error;
}

/// <summary>
/// Raw JSON-RPC over one pooled HttpClient: single requests and batches, with parameters written by the caller as JSON.
/// Both nodes are spoken to through the same code, so neither pays for a client the other does not.
/// </summary>
internal sealed class JsonRpcClient : IDisposable
{
    private readonly HttpClient _http;
    private long _nextId;

    /// <param name="url">The node's JSON-RPC endpoint.</param>
    /// <param name="maxConnections">Connections kept to the node; requests beyond that wait for one inside the handler.</param>
    public JsonRpcClient(Uri url, int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            // Keep-alive connections for the whole run: a reconnect would show in the latency of whichever transaction hit it.
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
    }

    /// <summary>Sends one request; returns its result, or throws <see cref="JsonRpcException"/> for an error answer.</summary>
    public async Task<JsonElement> CallAsync(string method, string parameters, CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        using var document = await PostAsync(RequestJson(id, method, parameters), cancellationToken).ConfigureAwait(false);
        return ResultOf(method, document.RootElement);
    }

    /// <summary>
    /// Sends the requests as one JSON-RPC batch and returns their results in the order given (a server may answer a
    /// batch in any order, so answers are matched by id). An error answer to any of them throws.
    /// </summary>
    public async Task<JsonElement[]> BatchAsync(IReadOnlyList<(string Method, string Parameters)> requests, CancellationToken cancellationToken = default)
    {
        var firstId = Interlocked.Add(ref _nextId, requests.Count) - requests.Count + 1;
        var body = new StringBuilder("[");
        for (var i = 0; i < requests.Count; i++)
        {
            body.Append(i == 0 ? string.Empty : ",").Append(RequestJson(firstId + i, requests[i].Method, requests[i].Parameters));
        }

        using var document = await PostAsync(body.Append(']').ToString(), cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new JsonRpcException("batch", root.TryGetProperty("error", out var error) ? error.GetRawText() : root.GetRawText());
        }

        var results = new JsonElement[requests.Count];
        foreach (var answer in root.EnumerateArray())
        {
            var index = answer.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetInt64() - firstId : -1;
            if (index < 0 || index >= requests.Count)
            {
                throw new JsonRpcException("batch", $"an answer with an unknown id: {answer.GetRawText()}");
            }

            results[index] = ResultOf(requests[(int)index].Method, answer);
        }

        return results;
    }

    /// <summary>A GET on <paramref name="path"/> answering 200 (the dev node's /health/ready).</summary>
    public async Task<bool> IsOkAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>A JSON-RPC quantity (<c>0x</c>-prefixed hex) as a number.</summary>
    public static ulong ParseQuantity(JsonElement quantity)
    {
        var text = quantity.GetString();
        return text is not null && text.StartsWith("0x", StringComparison.Ordinal)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new FormatException($"'{quantity.GetRawText()}' is not a JSON-RPC quantity.");
    }

    /// <summary>A number as a JSON-RPC quantity.</summary>
    public static string Quantity(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);

    public void Dispose() => _http.Dispose();

    private static string RequestJson(long id, string method, string parameters) =>
        $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{parameters}}}""";

    private static JsonElement ResultOf(string method, JsonElement answer)
    {
        if (answer.TryGetProperty("error", out var error) && error.ValueKind != JsonValueKind.Null)
        {
            throw new JsonRpcException(method, error.GetRawText());
        }

        return answer.TryGetProperty("result", out var result)
            ? result.Clone()
            : throw new JsonRpcException(method, $"an answer with neither result nor error: {answer.GetRawText()}");
    }

    private async Task<JsonDocument> PostAsync(string body, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(string.Empty, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode && (bytes.Length == 0 || bytes[0] is not ((byte)'{' or (byte)'[')))
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {Encoding.UTF8.GetString(bytes)}", null, response.StatusCode);
        }

        // A JSON-RPC error may come with a non-2xx status (some servers do that); its body says more than the status.
        return JsonDocument.Parse(bytes);
    }
}
