using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hyperion.Gateway.Health;
using Hyperion.Gateway.Hosting;
using Hyperion.Gateway.JsonRpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Hyperion.Gateway.Tests;

/// <summary>The HTTP transport, served by Kestrel in this process without Orleans.</summary>
public sealed class GatewayHttpTests : IAsyncLifetime, IDisposable
{
    private readonly SwitchableReadiness _readiness = new();
    private WebApplication? _app;
    private HttpClient? _http;

    private HttpClient Http => _http ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddHyperionGateway();
        builder.Services.AddSingleton<IClusterReadiness>(_readiness);
        NodeHost.ListenOn(builder, IPAddress.Loopback, 0);
        _app = builder.Build();
        _app.MapHyperionGateway();
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(NodeHost.ListeningUrl(_app)) };
    }

    public void Dispose() => _http?.Dispose();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/rpc")]
    public async Task Post_with_json_returns_200_and_the_response(string path)
    {
        using var response = await PostAsync(path, """{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"result":"0x20a55"}""", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    [InlineData(null)]
    public async Task Json_content_types_and_a_missing_one_are_accepted(string? contentType)
    {
        using var content = new ByteArrayContent("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"""u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await Http.PostAsync(new Uri("/", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Other_content_types_get_415_with_a_json_rpc_error()
    {
        using var content = new StringContent("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}""", Encoding.UTF8, "text/plain");
        using var response = await Http.PostAsync(new Uri("/", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        JsonRpcDispatcherTests.AssertError(await ReadJsonAsync(response), JsonRpcErrorCodes.InvalidRequest, "null");
    }

    [Fact]
    public async Task Malformed_json_over_http_is_a_parse_error()
    {
        using var response = await PostAsync("/", "{\"jsonrpc\":");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonRpcDispatcherTests.AssertError(await ReadJsonAsync(response), JsonRpcErrorCodes.ParseError, "null");
    }

    [Fact]
    public async Task Only_notifications_get_204_and_no_body()
    {
        using var response = await PostAsync("/", """[{"jsonrpc":"2.0","method":"eth_chainId"},{"jsonrpc":"2.0","method":"net_version"}]""");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_body_over_5_MiB_with_content_length_gets_413()
    {
        using var content = new ByteArrayContent(OversizedBody());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Http.PostAsync(new Uri("/", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        JsonRpcDispatcherTests.AssertError(await ReadJsonAsync(response), JsonRpcErrorCodes.InvalidRequest, "null");
    }

    [Fact]
    public async Task A_chunked_body_over_5_MiB_gets_413()
    {
        // No Content-Length: the limit must be enforced while reading.
        using var content = new StreamContent(new UnknownLengthStream(OversizedBody()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        JsonRpcDispatcherTests.AssertError(await ReadJsonAsync(response), JsonRpcErrorCodes.InvalidRequest, "null");
    }

    [Fact]
    public async Task A_body_just_under_the_limit_is_read()
    {
        // A valid request padded with whitespace up to exactly 5 MiB.
        var request = """{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"""u8.ToArray();
        var body = new byte[GatewayOptions.DefaultMaxRequestBodyBytes];
        body.AsSpan().Fill((byte)' ');
        request.CopyTo(body, 0);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await Http.PostAsync(new Uri("/", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonRpcDispatcherTests.AssertResult(await ReadJsonAsync(response), "1", "\"0x20a55\"");
    }

    [Fact]
    public async Task Get_on_the_rpc_path_is_not_allowed()
    {
        using var response = await Http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Health_reports_ok_even_when_the_cluster_is_not_ready()
    {
        _readiness.IsReady = false;
        using var response = await Http.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await ReadJsonAsync(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readiness_follows_the_cluster()
    {
        _readiness.IsReady = true;
        using (var ready = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            var body = await ReadJsonAsync(ready);
            Assert.Equal("ok", body.GetProperty("status").GetString());
            Assert.Equal("test cluster up", body.GetProperty("checks").GetProperty("cluster").GetString());
        }

        _readiness.IsReady = false;
        using var notReady = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.Equal("unavailable", (await ReadJsonAsync(notReady)).GetProperty("status").GetString());
    }

    private static byte[] OversizedBody()
    {
        var body = new byte[GatewayOptions.DefaultMaxRequestBodyBytes + 1];
        body.AsSpan().Fill((byte)' ');
        return body;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await Http.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return document.RootElement.Clone();
    }

    private sealed class SwitchableReadiness : IClusterReadiness
    {
        public bool IsReady { get; set; } = true;

        public ClusterReadinessReport Check() => new(IsReady, IsReady ? "test cluster up" : "test cluster down");
    }

    /// <summary>A stream that hides its length, so HttpClient must send it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
