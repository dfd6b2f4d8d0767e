using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Hyperion.Gateway.JsonRpc;

namespace Hyperion.Gateway.Tests;

/// <summary>
/// The real node as a child process: start, serve JSON-RPC over HTTP, stop on SIGINT. One class, so
/// these run one after another and do not crowd a small machine.
/// </summary>
public sealed class NodeEndToEndTests : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _workingDirectory = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _workingDirectory.Dispose();
    }

    [Fact]
    public async Task Node_serves_json_rpc_over_http_and_stops_with_exit_code_0_on_SIGINT()
    {
        var dataDirectory = Path.Combine(_workingDirectory.Path, "chain data");
        var (started, ports) = await StartSiloOnFreePortsAsync(3, ports => SiloArguments(ports, "--data", dataDirectory));
        using var node = started;
        var rpc = new Uri($"http://127.0.0.1:{ports[0]}/");

        // Ready comes after live: once the silo is active and the chain has loaded its head.
        await node.WaitForOkAsync(_http, new Uri(rpc, "health/ready"), StartDeadline);

        JsonRpcDispatcherTests.AssertResult(
            await PostAsync(rpc, """{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"""), "1", "\"0x20a55\"");
        JsonRpcDispatcherTests.AssertError(await PostAsync(rpc, """{"jsonrpc":"2.0","id":1,"meth"""), JsonRpcErrorCodes.ParseError, "null");
        var unknown = await PostAsync(rpc, """{"jsonrpc":"2.0","id":"u","method":"eth_notAMethod"}""");
        JsonRpcDispatcherTests.AssertError(unknown, JsonRpcErrorCodes.MethodNotFound, "\"u\"");
        Assert.Contains("eth_notAMethod", unknown.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        Assert.True(Directory.Exists(dataDirectory), "the data folder is created");
        Assert.Contains(
            $"Hyperion Grid node: chain 133717, JSON-RPC http://127.0.0.1:{ports[0]}, data {dataDirectory}",
            node.Output,
            StringComparison.Ordinal);

        node.Signal(NodeProcess.SigInt);
        var exitCode = await node.WaitForExitAsync(StopDeadline);
        Assert.True(exitCode is not null, $"the node did not stop within {StopDeadline} of SIGINT\n{node.Output}");
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{node.Output}");
    }

    [Fact]
    public async Task Chain_id_5_on_the_command_line_gives_0x5_over_settings_file_and_environment()
    {
        // Lower layers that the command line must override, and an RPC port taken from the environment.
        await File.WriteAllTextAsync(
            Path.Combine(_workingDirectory.Path, "appsettings.json"), """{"Hyperion":{"ChainId":9,"RpcPort":1}}""");
        var (started, ports) = await StartSiloOnFreePortsAsync(
            3,
            ports =>
            [
                "--chain-id", "5",
                "--silo-port", ports[1].ToString(CultureInfo.InvariantCulture),
                "--gateway-port", ports[2].ToString(CultureInfo.InvariantCulture),
                "--data", Path.Combine(_workingDirectory.Path, "data"),
            ],
            ports => new Dictionary<string, string>
            {
                ["HYPERION_CHAIN_ID"] = "7",
                ["HYPERION_PORT"] = ports[0].ToString(CultureInfo.InvariantCulture),
            });
        using var node = started;
        var rpc = new Uri($"http://127.0.0.1:{ports[0]}/");

        JsonRpcDispatcherTests.AssertResult(await PostAsync(rpc, """{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"""), "1", "\"0x5\"");
        JsonRpcDispatcherTests.AssertResult(await PostAsync(rpc, """{"jsonrpc":"2.0","id":2,"method":"net_version"}"""), "2", "\"5\"");

        node.Signal(NodeProcess.SigInt);
        Assert.Equal(0, await node.WaitForExitAsync(StopDeadline));
    }

    [Theory]
    [InlineData("--port", "abc", "--port")]
    [InlineData("--port", "70000", "--port")]
    [InlineData("--chain-id", "0", "--chain-id")]
    [InlineData("--chain-id", "-1", "--chain-id")]
    [InlineData("--silo-port", "0", "--silo-port")]
    [InlineData("--bogus", "1", "--bogus")]
    [InlineData("--host", "not-an-ip", "--host")]
    [InlineData("--port", null, "--port")]
    public async Task An_invalid_option_gives_one_error_line_and_exit_code_2(string option, string? value, string named)
    {
        string[] arguments = value is null ? [option] : [option, value];
        using var node = NodeProcess.StartSilo(_workingDirectory.Path, arguments);
        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var lines = node.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var error = Assert.Single(lines);
        Assert.StartsWith("hyperion-silo: ", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_node_on_the_same_Orleans_ports_exits_with_code_1_and_says_why()
    {
        var (started, ports) = await StartSiloOnFreePortsAsync(4, ports => SiloArguments(ports, "--data", Path.Combine(_workingDirectory.Path, "data")));
        using var first = started;

        string[] clashing =
        [
            "--port", ports[3].ToString(CultureInfo.InvariantCulture),
            "--silo-port", ports[1].ToString(CultureInfo.InvariantCulture),
            "--gateway-port", ports[2].ToString(CultureInfo.InvariantCulture),
            "--data", Path.Combine(_workingDirectory.Path, "data2"),
        ];
        using var second = NodeProcess.StartSilo(_workingDirectory.Path, clashing);
        Assert.Equal(1, await second.WaitForExitAsync(StopDeadline));
        Assert.Contains($"the Orleans silo port {ports[1]} is already in use", second.Output, StringComparison.Ordinal);

        first.Signal(NodeProcess.SigInt);
        Assert.Equal(0, await first.WaitForExitAsync(StopDeadline));
    }

    [Fact]
    public async Task A_malformed_appsettings_json_gives_one_error_line_and_exit_code_2()
    {
        await File.WriteAllTextAsync(Path.Combine(_workingDirectory.Path, "appsettings.json"), """{"Hyperion":{"ChainId":""");
        using var node = NodeProcess.StartSilo(_workingDirectory.Path, []);
        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var error = Assert.Single(node.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("hyperion-silo: ", error, StringComparison.Ordinal);
        Assert.Contains("appsettings.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_the_options_and_exits_0()
    {
        using var node = NodeProcess.StartSilo(_workingDirectory.Path, ["--help"]);
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        foreach (var option in new[] { "--port", "--data", "--chain-id", "--silo-port", "--gateway-port", "HYPERION_CHAIN_ID" })
        {
            Assert.Contains(option, node.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Standalone_gateway_started_first_becomes_ready_when_the_node_comes_up()
    {
        var ports = NodeProcess.FreePorts(4);
        using var gateway = NodeProcess.StartGateway(
            _workingDirectory.Path,
            [
                "--port", ports[3].ToString(CultureInfo.InvariantCulture),
                "--silo-gateway-port", ports[2].ToString(CultureInfo.InvariantCulture),
                "--chain-id", "133717",
            ]);
        var rpc = new Uri($"http://127.0.0.1:{ports[3]}/");

        // Alive but not ready while no silo answers.
        await gateway.WaitForOkAsync(_http, new Uri(rpc, "health"), StartDeadline);
        using (var notReady = await _http.GetAsync(new Uri(rpc, "health/ready")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        }

        using var silo = NodeProcess.StartSilo(_workingDirectory.Path, SiloArguments(ports, "--data", Path.Combine(_workingDirectory.Path, "data")));
        await gateway.WaitForOkAsync(_http, new Uri(rpc, "health/ready"), StartDeadline);

        JsonRpcDispatcherTests.AssertResult(await PostAsync(rpc, """{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}"""), "1", "\"0x20a55\"");

        // State through the client's grain calls, on the first try: development account 0 holds 10,000 ETH.
        JsonRpcDispatcherTests.AssertResult(
            await PostAsync(rpc, """{"jsonrpc":"2.0","id":2,"method":"eth_getBalance","params":["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266","latest"]}"""),
            "2",
            "\"0x21e19e0c9bab2400000\"");
        Assert.Contains($"Hyperion Grid gateway: chain 133717, JSON-RPC http://127.0.0.1:{ports[3]}", gateway.Output, StringComparison.Ordinal);

        gateway.Signal(NodeProcess.SigInt);
        Assert.Equal(0, await gateway.WaitForExitAsync(StopDeadline));
        silo.Signal(NodeProcess.SigInt);
        Assert.Equal(0, await silo.WaitForExitAsync(StopDeadline));
    }

    /// <summary>
    /// Starts a silo on ports that were free a moment ago (the first is its JSON-RPC port) and waits for its /health;
    /// when another process took one of them in between (the node exits saying the address is in use), tries again on
    /// new ones, twice at most.
    /// </summary>
    private async Task<(NodeProcess Node, int[] Ports)> StartSiloOnFreePortsAsync(
        int portCount,
        Func<int[], string[]> arguments,
        Func<int[], IDictionary<string, string>>? environment = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = NodeProcess.FreePorts(portCount);
            var node = NodeProcess.StartSilo(_workingDirectory.Path, arguments(ports), environment?.Invoke(ports));
            try
            {
                await node.WaitForOkAsync(_http, new Uri($"http://127.0.0.1:{ports[0]}/health"), StartDeadline);
                return (node, ports);
            }
            catch (InvalidOperationException) when (attempt < 3 && node.Output.Contains("in use", StringComparison.Ordinal))
            {
                node.Dispose();
            }
            catch
            {
                node.Dispose();
                throw;
            }
        }
    }

    private static string[] SiloArguments(int[] ports, params string[] more) =>
    [
        "--port", ports[0].ToString(CultureInfo.InvariantCulture),
        "--silo-port", ports[1].ToString(CultureInfo.InvariantCulture),
        "--gateway-port", ports[2].ToString(CultureInfo.InvariantCulture),
        .. more,
    ];

    private async Task<JsonElement> PostAsync(Uri rpc, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(rpc, content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return document.RootElement.Clone();
    }
}
