using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules;
using Microsoft.Extensions.DependencyInjection;

namespace Hyperion.Gateway.Tests;

public sealed class JsonRpcDispatcherTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly JsonRpcDispatcher _dispatcher;
    private readonly TestRpcModule _testModule = new();

    public JsonRpcDispatcherTests()
    {
        _services = CreateServices(GatewayOptions.DefaultChainId, _testModule);
        _dispatcher = _services.GetRequiredService<JsonRpcDispatcher>();
    }

    public void Dispose() => _services.Dispose();

    // --- results -------------------------------------------------------------------------------

    [Fact]
    public async Task EthChainId_returns_the_chain_id_as_a_hex_quantity()
    {
        var response = await DispatchAsync("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}""");
        AssertResult(response, "1", "\"0x20a55\"");
    }

    [Fact]
    public async Task The_response_bytes_are_compact_json_with_jsonrpc_id_and_result()
    {
        var bytes = await _dispatcher.DispatchAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"""));
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"result":"0x20a55"}""", Encoding.UTF8.GetString(bytes!));
    }

    [Theory]
    [InlineData(5UL, "0x5")]
    [InlineData(1UL, "0x1")]
    [InlineData(133717UL, "0x20a55")]
    [InlineData(0xFFFFFFFFFUL, "0xfffffffff")]
    public async Task EthChainId_follows_the_configured_chain_id(ulong chainId, string expected)
    {
        using var services = CreateServices(chainId);
        var dispatcher = services.GetRequiredService<JsonRpcDispatcher>();
        var response = await DispatchAsync(dispatcher, """{"jsonrpc":"2.0","id":7,"method":"eth_chainId"}""");
        AssertResult(response, "7", $"\"{expected}\"");
    }

    [Fact]
    public async Task NetVersion_returns_the_chain_id_as_a_decimal_string()
    {
        var response = await DispatchAsync("""{"jsonrpc":"2.0","id":2,"method":"net_version"}""");
        AssertResult(response, "2", "\"133717\"");
    }

    [Fact]
    public async Task NetListening_returns_true()
    {
        var response = await DispatchAsync("""{"jsonrpc":"2.0","id":2,"method":"net_listening"}""");
        AssertResult(response, "2", "true");
    }

    [Fact]
    public async Task Web3ClientVersion_names_client_version_platform_and_runtime()
    {
        var response = await DispatchAsync("""{"jsonrpc":"2.0","id":3,"method":"web3_clientVersion"}""");
        var version = typeof(JsonRpcDispatcher).Assembly.GetName().Version!.ToString(3);
        var expected = $"HyperionGrid/v{version}/{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}/dotnet{Environment.Version.Major}";
        AssertResult(response, "3", JsonSerializer.Serialize(expected));
        Assert.Matches(@"^HyperionGrid/v\d+\.\d+\.\d+/[a-z]+-[a-z0-9]+/dotnet\d+$", expected);
        if (OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Equal($"HyperionGrid/v{version}/linux-x64/dotnet10", Web3Module.ClientVersion);
        }
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("null")]
    public async Task The_id_comes_back_exactly_as_sent(string id)
    {
        var response = await DispatchAsync($$"""{"jsonrpc":"2.0","id":{{id}},"method":"eth_chainId"}""");
        AssertResult(response, id, "\"0x20a55\"");
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":{}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":null}""")]
    [InlineData("""{"params":[],"method":"eth_chainId","id":1,"jsonrpc":"2.0"}""")]
    public async Task A_method_without_parameters_accepts_absent_null_or_empty_params(string request)
    {
        AssertResult(await DispatchAsync(request), "1", "\"0x20a55\"");
    }

    [Fact]
    public async Task A_null_result_is_written_as_null()
    {
        AssertResult(await DispatchAsync("""{"jsonrpc":"2.0","id":1,"method":"test_null"}"""), "1", "null");
    }

    [Fact]
    public async Task Object_results_use_camel_case_names()
    {
        var response = await DispatchAsync("""{"jsonrpc":"2.0","id":1,"method":"test_object"}""");
        AssertResult(response, "1", """{"blockHash":"0x1","transactionCount":2}""");
    }

    // --- parse errors and invalid requests ----------------------------------------------------

    [Theory]
    [InlineData("""{"jsonrpc":""")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{'jsonrpc':'2.0'}")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"},""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"eth_chainId"} trailing""")]
    public async Task Malformed_json_is_a_parse_error_with_a_null_id(string body)
    {
        AssertError(await DispatchAsync(body), JsonRpcErrorCodes.ParseError, "null");
    }

    [Fact]
    public async Task Invalid_utf8_is_a_parse_error()
    {
        byte[] body = [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\""u8, 0xC3, 0x28, .. "\"}"u8];
        var bytes = await _dispatcher.DispatchAsync(body);
        using var document = JsonDocument.Parse(bytes!);
        AssertError(document.RootElement.Clone(), JsonRpcErrorCodes.ParseError, "null");
    }

    [Fact]
    public async Task A_method_name_that_is_no_valid_text_is_an_invalid_request()
    {
        var response = await DispatchAsync("""{"jsonrpc":"2.0","id":1,"method":"eth_\uD800"}""");
        AssertError(response, JsonRpcErrorCodes.InvalidRequest, "1");
    }

    [Fact]
    public async Task An_id_that_is_no_valid_text_is_an_invalid_request()
    {
        var response = await DispatchAsync("""{"jsonrpc":"2.0","id":"\uDC00x","method":"eth_chainId"}""");
        AssertError(response, JsonRpcErrorCodes.InvalidRequest, "null");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("\"eth_chainId\"")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("""{"foo":"bar"}""")]
    public async Task A_request_that_is_not_a_request_object_is_an_invalid_request(string body)
    {
        AssertError(await DispatchAsync(body), JsonRpcErrorCodes.InvalidRequest, "null");
    }

    [Theory]
    [InlineData("""{"id":1,"method":"eth_chainId"}""")]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"eth_chainId"}""")]
    [InlineData("""{"jsonrpc":2.0,"id":1,"method":"eth_chainId"}""")]
    [InlineData("""{"jsonrpc":"2.0 ","id":1,"method":"eth_chainId"}""")]
    [InlineData("""{"jsonrpc":null,"id":1,"method":"eth_chainId"}""")]
    public async Task A_missing_or_wrong_jsonrpc_version_is_an_invalid_request_that_keeps_the_id(string body)
    {
        AssertError(await DispatchAsync(body), JsonRpcErrorCodes.InvalidRequest, "1");
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":"a"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"a","method":1}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"a","method":null}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"a","method":["eth_chainId"]}""")]
    public async Task A_method_that_is_not_a_string_is_an_invalid_request(string body)
    {
        AssertError(await DispatchAsync(body), JsonRpcErrorCodes.InvalidRequest, "\"a\"");
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("{}")]
    [InlineData("[1]")]
    public async Task An_id_that_is_not_a_string_number_or_null_is_an_invalid_request(string id)
    {
        var response = await DispatchAsync($$"""{"jsonrpc":"2.0","id":{{id}},"method":"eth_chainId"}""");
        AssertError(response, JsonRpcErrorCodes.InvalidRequest, "null");
    }

    [Fact]
    public async Task An_invalid_request_without_an_id_is_still_answered()
    {
        var response = await DispatchAsync("""{"jsonrpc":"2.0","method":1,"params":"bar"}""");
        AssertError(response, JsonRpcErrorCodes.InvalidRequest, "null");
    }

    // --- method not found, invalid params, internal errors ------------------------------------

    [Fact]
    public async Task An_unknown_method_is_method_not_found_naming_the_method()
    {
        var response = await DispatchAsync("""{"jsonrpc":"2.0","id":4,"method":"eth_doesNotExist"}""");
        AssertError(response, JsonRpcErrorCodes.MethodNotFound, "4");
        Assert.Contains("eth_doesNotExist", response.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Method_names_are_case_sensitive()
    {
        AssertError(await DispatchAsync("""{"jsonrpc":"2.0","id":4,"method":"ETH_CHAINID"}"""), JsonRpcErrorCodes.MethodNotFound, "4");
    }

    [Fact]
    public async Task A_very_long_unknown_method_name_is_shortened_in_the_message()
    {
        var name = new string('x', 10_000);
        var response = await DispatchAsync($$"""{"jsonrpc":"2.0","id":4,"method":"{{name}}"}""");
        AssertError(response, JsonRpcErrorCodes.MethodNotFound, "4");
        Assert.True(response.GetProperty("error").GetProperty("message").GetString()!.Length < 200);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("[\"latest\"]")]
    [InlineData("""{"a":1}""")]
    public async Task Parameters_given_to_eth_chainId_are_invalid_params(string parameters)
    {
        var response = await DispatchAsync($$"""{"jsonrpc":"2.0","id":5,"method":"eth_chainId","params":{{parameters}}}""");
        AssertError(response, JsonRpcErrorCodes.InvalidParams, "5");
    }

    [Theory]
    [InlineData("\"x\"")]
    [InlineData("5")]
    [InlineData("true")]
    public async Task Params_that_are_neither_array_nor_object_are_invalid_params(string parameters)
    {
        var response = await DispatchAsync($$"""{"jsonrpc":"2.0","id":5,"method":"eth_chainId","params":{{parameters}}}""");
        AssertError(response, JsonRpcErrorCodes.InvalidParams, "5");
    }

    [Theory]
    [InlineData("[\"a\"]")]
    [InlineData("[\"a\",\"b\",\"c\"]")]
    [InlineData("""{"first":"a","second":"b"}""")]
    public async Task A_wrong_number_or_kind_of_parameters_is_invalid_params(string parameters)
    {
        var response = await DispatchAsync($$"""{"jsonrpc":"2.0","id":6,"method":"test_two","params":{{parameters}}}""");
        AssertError(response, JsonRpcErrorCodes.InvalidParams, "6");
    }

    [Fact]
    public async Task The_right_number_of_parameters_is_accepted()
    {
        AssertResult(await DispatchAsync("""{"jsonrpc":"2.0","id":6,"method":"test_two","params":["a","b"]}"""), "6", "\"ab\"");
    }

    [Theory]
    [InlineData("test_throw")]
    [InlineData("test_throwAsync")]
    [InlineData("test_unserializable")]
    public async Task A_failing_method_is_an_internal_error_that_leaks_nothing(string method)
    {
        var bytes = await _dispatcher.DispatchAsync(Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":8,"method":"{{method}}"}"""));
        var text = Encoding.UTF8.GetString(bytes!);
        using var document = JsonDocument.Parse(text);
        AssertError(document.RootElement, JsonRpcErrorCodes.InternalError, "8");
        Assert.Equal("Internal error", document.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        Assert.False(document.RootElement.GetProperty("error").TryGetProperty("data", out _));
    }

    [Fact]
    public async Task A_lost_silo_is_a_server_error_that_says_to_retry()
    {
        var bytes = await _dispatcher.DispatchAsync("""{"jsonrpc":"2.0","id":9,"method":"test_siloLost"}"""u8.ToArray());
        var text = Encoding.UTF8.GetString(bytes!);
        using var document = JsonDocument.Parse(text);
        AssertError(document.RootElement, JsonRpcErrorCodes.ServerError, "9");
        Assert.Contains("Retry in a few seconds", document.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_RpcException_gives_its_code_message_and_data()
    {
        var response = await DispatchAsync("""{"jsonrpc":"2.0","id":9,"method":"test_rpcError"}""");
        AssertError(response, -32000, "9");
        var error = response.GetProperty("error");
        Assert.Equal("execution reverted", error.GetProperty("message").GetString());
        Assert.Equal("""{"reason":"nope"}""", error.GetProperty("data").GetRawText());
    }

    // --- notifications and batches -------------------------------------------------------------

    [Fact]
    public async Task A_notification_runs_the_method_and_gets_no_response()
    {
        var bytes = await _dispatcher.DispatchAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"test_count"}"""));
        Assert.Null(bytes);
        Assert.Equal(1, _testModule.Calls);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","method":"eth_doesNotExist"}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"eth_chainId","params":[1]}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"test_throw"}""")]
    public async Task A_notification_that_fails_still_gets_no_response(string body)
    {
        Assert.Null(await _dispatcher.DispatchAsync(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public async Task An_empty_batch_is_a_single_invalid_request_error()
    {
        var response = await DispatchAsync("[]");
        Assert.Equal(JsonValueKind.Object, response.ValueKind);
        AssertError(response, JsonRpcErrorCodes.InvalidRequest, "null");
    }

    [Fact]
    public async Task A_batch_answers_each_request_in_order_and_skips_notifications()
    {
        var response = await DispatchAsync("""
            [
              {"jsonrpc":"2.0","id":1,"method":"eth_chainId"},
              {"jsonrpc":"2.0","method":"test_count"},
              {"jsonrpc":"2.0","id":"two","method":"net_version"},
              1,
              {"jsonrpc":"2.0","id":3,"method":"eth_nope"},
              {"jsonrpc":"2.0","id":4,"method":"eth_chainId","params":[true]},
              {"jsonrpc":"2.0","id":5,"method":"test_throw"}
            ]
            """);
        Assert.Equal(JsonValueKind.Array, response.ValueKind);
        Assert.Equal(6, response.GetArrayLength());
        AssertResult(response[0], "1", "\"0x20a55\"");
        AssertResult(response[1], "\"two\"", "\"133717\"");
        AssertError(response[2], JsonRpcErrorCodes.InvalidRequest, "null");
        AssertError(response[3], JsonRpcErrorCodes.MethodNotFound, "3");
        AssertError(response[4], JsonRpcErrorCodes.InvalidParams, "4");
        AssertError(response[5], JsonRpcErrorCodes.InternalError, "5");
        Assert.Equal(1, _testModule.Calls);
    }

    [Fact]
    public async Task A_batch_of_one_is_answered_with_an_array_of_one()
    {
        var response = await DispatchAsync("""[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}]""");
        Assert.Equal(JsonValueKind.Array, response.ValueKind);
        AssertResult(Assert.Single(response.EnumerateArray()), "1", "\"0x20a55\"");
    }

    [Fact]
    public async Task Batch_answers_keep_request_order_when_methods_finish_out_of_order()
    {
        var response = await DispatchAsync("""
            [
              {"jsonrpc":"2.0","id":1,"method":"test_slow","params":[150]},
              {"jsonrpc":"2.0","id":2,"method":"test_slow","params":[50]},
              {"jsonrpc":"2.0","id":3,"method":"test_slow","params":[0]}
            ]
            """);
        AssertResult(response[0], "1", "150");
        AssertResult(response[1], "2", "50");
        AssertResult(response[2], "3", "0");
    }

    [Fact]
    public async Task A_batch_of_only_notifications_gets_no_response()
    {
        var bytes = await _dispatcher.DispatchAsync(Encoding.UTF8.GetBytes("""
            [{"jsonrpc":"2.0","method":"test_count"},{"jsonrpc":"2.0","method":"test_count","params":[1]}]
            """));
        Assert.Null(bytes);
        Assert.Equal(2, _testModule.Calls);
    }

    [Fact]
    public async Task A_batch_at_the_limit_is_answered_in_full()
    {
        var batch = "[" + string.Join(',', Enumerable.Range(0, 1000).Select(i => $$"""{"jsonrpc":"2.0","id":{{i}},"method":"eth_chainId"}""")) + "]";
        var response = await DispatchAsync(batch);
        Assert.Equal(1000, response.GetArrayLength());
        AssertResult(response[999], "999", "\"0x20a55\"");
    }

    [Fact]
    public async Task A_batch_over_the_limit_is_a_single_invalid_request_error()
    {
        var batch = "[" + string.Join(',', Enumerable.Range(0, 1001).Select(i => $$"""{"jsonrpc":"2.0","id":{{i}},"method":"test_count"}""")) + "]";
        var response = await DispatchAsync(batch);
        Assert.Equal(JsonValueKind.Object, response.ValueKind);
        AssertError(response, JsonRpcErrorCodes.InvalidRequest, "null");
        Assert.Contains("1000", response.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _testModule.Calls);
    }

    [Fact]
    public async Task A_nested_batch_entry_is_an_invalid_request()
    {
        var response = await DispatchAsync("""[[{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}]]""");
        AssertError(Assert.Single(response.EnumerateArray()), JsonRpcErrorCodes.InvalidRequest, "null");
    }

    [Fact]
    public void Registering_a_method_twice_is_refused()
    {
        var table = new RpcMethodTable();
        table.Add("eth_chainId", (_, _) => ValueTask.FromResult<object?>(null));
        Assert.Throws<InvalidOperationException>(() => table.Add("eth_chainId", (_, _) => ValueTask.FromResult<object?>(null)));
    }

    // --- metrics -------------------------------------------------------------------------------

    [Fact]
    public async Task Requests_and_errors_are_counted_per_method_on_the_Hyperion_Gateway_meter()
    {
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        var measurements = new List<(string Instrument, string? Method, int? Code, long Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            // Only this test's meter: other tests run in parallel with their own factories.
            if (instrument.Meter.Name == GatewayMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? method = null;
            int? code = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "rpc.method")
                {
                    method = (string?)tag.Value;
                }
                else if (tag.Key == "rpc.jsonrpc.error_code")
                {
                    code = (int?)tag.Value;
                }
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, method, code, value));
            }
        });
        listener.Start();

        await DispatchAsync("""
            [
              {"jsonrpc":"2.0","id":1,"method":"eth_chainId"},
              {"jsonrpc":"2.0","id":2,"method":"eth_chainId"},
              {"jsonrpc":"2.0","id":3,"method":"eth_chainId","params":[1]},
              {"jsonrpc":"2.0","id":4,"method":"eth_unknownThing"}
            ]
            """);
        await DispatchAsync("{");

        long Count(string instrument, string method, int? code = null) =>
            measurements.Where(m => m.Instrument == instrument && m.Method == method && (code is null || m.Code == code)).Sum(m => m.Value);

        Assert.Equal(3, Count("hyperion.gateway.rpc.requests", "eth_chainId"));
        Assert.Equal(1, Count("hyperion.gateway.rpc.errors", "eth_chainId", JsonRpcErrorCodes.InvalidParams));
        Assert.Equal(2, Count("hyperion.gateway.rpc.requests", GatewayMetrics.OtherMethod));
        Assert.Equal(1, Count("hyperion.gateway.rpc.errors", GatewayMetrics.OtherMethod, JsonRpcErrorCodes.MethodNotFound));
        Assert.Equal(1, Count("hyperion.gateway.rpc.errors", GatewayMetrics.OtherMethod, JsonRpcErrorCodes.ParseError));
        Assert.DoesNotContain(measurements, m => m.Method == "eth_unknownThing");
    }

    // --- helpers -------------------------------------------------------------------------------

    internal static ServiceProvider CreateServices(ulong chainId, TestRpcModule? testModule = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHyperionGateway(options => options.ChainId = chainId);
        if (testModule is not null)
        {
            services.AddSingleton<IRpcModule>(testModule);
        }

        return services.BuildServiceProvider(validateScopes: true);
    }

    private Task<JsonElement> DispatchAsync(string body) => DispatchAsync(_dispatcher, body);

    private static async Task<JsonElement> DispatchAsync(JsonRpcDispatcher dispatcher, string body)
    {
        var bytes = await dispatcher.DispatchAsync(Encoding.UTF8.GetBytes(body));
        Assert.NotNull(bytes);
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }

    internal static void AssertResult(JsonElement response, string expectedIdJson, string expectedResultJson)
    {
        Assert.Equal(JsonValueKind.Object, response.ValueKind);
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.Equal(expectedIdJson, response.GetProperty("id").GetRawText());
        Assert.False(response.TryGetProperty("error", out var error), $"unexpected error {error}");
        Assert.Equal(expectedResultJson, response.GetProperty("result").GetRawText());
    }

    internal static void AssertError(JsonElement response, int expectedCode, string expectedIdJson)
    {
        Assert.Equal(JsonValueKind.Object, response.ValueKind);
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.Equal(expectedIdJson, response.GetProperty("id").GetRawText());
        Assert.False(response.TryGetProperty("result", out _), "an error response must not carry a result");
        var error = response.GetProperty("error");
        Assert.Equal(expectedCode, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }
}
