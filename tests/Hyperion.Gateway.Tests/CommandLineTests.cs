using Hyperion.Gateway.Hosting;
using Hyperion.Silo;
using Microsoft.Extensions.Configuration;

namespace Hyperion.Gateway.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData("--port 18545")]
    [InlineData("--port=18545 --chain-id 5")]
    [InlineData("--data /tmp/x --silo-port 1 --gateway-port 2 --host 0.0.0.0")]
    public void Known_switches_with_values_are_accepted(string commandLine)
    {
        Assert.Null(HostCommandLine.Validate(Split(commandLine), NodeOptions.Switches, out var help));
        Assert.False(help);
    }

    [Theory]
    [InlineData("--nope 1", "unknown option '--nope'")]
    [InlineData("--port", "option --port needs a value")]
    [InlineData("--port --chain-id 5", "option --port needs a value")]
    [InlineData("8545", "unexpected argument '8545'")]
    [InlineData("-p 8545", "unexpected argument '-p'")]
    public void Unknown_switches_and_missing_values_are_refused(string commandLine, string expected)
    {
        var error = HostCommandLine.Validate(Split(commandLine), NodeOptions.Switches, out _);
        Assert.NotNull(error);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_is_recognised()
    {
        HostCommandLine.Validate(["--help"], NodeOptions.Switches, out var help);
        Assert.True(help);
    }

    [Fact]
    public void Environment_variable_names_follow_the_switch_names()
    {
        Assert.Equal("HYPERION_CHAIN_ID", NodeOptions.Switches.Single(s => s.Name == "--chain-id").EnvironmentVariable);
        Assert.Equal("HYPERION_PORT", NodeOptions.Switches.Single(s => s.Name == "--port").EnvironmentVariable);
    }

    [Fact]
    public void Defaults_apply_when_nothing_is_set()
    {
        var options = Load([]);
        Assert.NotNull(options);
        Assert.Equal(8545, options.RpcPort);
        Assert.Equal("127.0.0.1", options.RpcAddress.ToString());
        Assert.Equal(133717UL, options.ChainId);
        Assert.Equal(11111, options.SiloPort);
        Assert.Equal(30000, options.GatewayPort);
        Assert.Equal(Path.GetFullPath(NodeOptions.DefaultDataDirectory).TrimEnd('/'), options.DataDirectory.TrimEnd('/'));
        Assert.Equal(250, options.BlockTimeMs);
        Assert.Equal(10, options.DevAccounts);
        Assert.Equal(30_000_000L, options.GasLimit);
        Assert.Equal(0, options.ExecutionThreads);
    }

    [Fact]
    public void Chain_switches_are_read()
    {
        var options = Load(["--data", _temp.Path, "--block-time", "0", "--dev-accounts", "3", "--gas-limit", "150000000", "--execution-threads", "4"]);
        Assert.NotNull(options);
        Assert.Equal(4, options.ExecutionThreads);
        Assert.Equal(0, options.BlockTimeMs);
        Assert.Equal(3, options.DevAccounts);
        Assert.Equal(150_000_000L, options.GasLimit);
    }

    [Fact]
    public void Switches_override_lower_configuration_layers()
    {
        var data = Path.Combine(_temp.Path, "data");
        var options = Load(
            ["--port", "9000", "--chain-id", "0x5", "--data", data, "--silo-port", "12000", "--gateway-port=32000"],
            new() { ["Hyperion:ChainId"] = "9", ["Hyperion:RpcPort"] = "1" });
        Assert.NotNull(options);
        Assert.Equal(9000, options.RpcPort);
        Assert.Equal(5UL, options.ChainId);
        Assert.Equal(data, options.DataDirectory);
        Assert.True(Directory.Exists(data));
        Assert.Equal(12000, options.SiloPort);
        Assert.Equal(32000, options.GatewayPort);
    }

    [Fact]
    public void Settings_from_the_file_layer_are_read_when_no_switch_is_given()
    {
        var options = Load(["--data", _temp.Path], new() { ["Hyperion:ChainId"] = "9", ["Hyperion:RpcPort"] = "0" });
        Assert.NotNull(options);
        Assert.Equal(9UL, options.ChainId);
        Assert.Equal(0, options.RpcPort);
    }

    [Theory]
    [InlineData("--port", "abc", "invalid value 'abc' for --port (Hyperion:RpcPort): expected a TCP port from 0 to 65535")]
    [InlineData("--chain-id", "0", "invalid value '0' for --chain-id (Hyperion:ChainId)")]
    [InlineData("--chain-id", "9223372036854775772", "invalid value '9223372036854775772' for --chain-id")]
    [InlineData("--gateway-port", "11111", "invalid value '11111' for --gateway-port (Hyperion:GatewayPort): must differ from the silo port")]
    [InlineData("--host", "localhost:1", "invalid value 'localhost:1' for --host")]
    [InlineData("--block-time", "-1", "invalid value '-1' for --block-time (Hyperion:BlockTimeMs): expected a whole number from 0 to 3600000")]
    [InlineData("--block-time", "fast", "invalid value 'fast' for --block-time")]
    [InlineData("--dev-accounts", "10001", "invalid value '10001' for --dev-accounts (Hyperion:DevAccounts)")]
    [InlineData("--gas-limit", "4999", "invalid value '4999' for --gas-limit (Hyperion:GasLimit): expected a whole number from 5000 to")]
    [InlineData("--gas-limit", "30M", "invalid value '30M' for --gas-limit")]
    [InlineData("--execution-threads", "-1", "invalid value '-1' for --execution-threads (Hyperion:ExecutionThreads): expected a whole number from 0 to 1024")]
    [InlineData("--storage", "disk", "invalid value 'disk' for --storage")]
    [InlineData("--clustering", "zookeeper", "invalid value 'zookeeper' for --clustering")]
    public void Bad_values_are_reported_with_switch_and_key(string option, string value, string expected)
    {
        var options = Load([option, value, "--data", _temp.Path], errors: out var errors);
        Assert.Null(options);
        Assert.StartsWith(expected, errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_folder_that_cannot_be_created_is_reported()
    {
        var file = Path.Combine(_temp.Path, "a-file");
        File.WriteAllText(file, "");
        var options = Load(["--data", Path.Combine(file, "sub")], errors: out var errors);
        Assert.Null(options);
        Assert.StartsWith("invalid value", errors[0], StringComparison.Ordinal);
        Assert.Contains("--data", errors[0], StringComparison.Ordinal);
    }

    private static string[] Split(string commandLine) => commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static NodeOptions? Load(string[] args, Dictionary<string, string?>? fileLayer = null) =>
        Load(args, fileLayer, out _);

    private static NodeOptions? Load(string[] args, out IReadOnlyList<string> errors) => Load(args, null, out errors);

    private static NodeOptions? Load(string[] args, Dictionary<string, string?>? fileLayer, out IReadOnlyList<string> errors)
    {
        Assert.Null(HostCommandLine.Validate(args, NodeOptions.Switches, out _));
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(fileLayer ?? []);
        HostCommandLine.AddHyperionSources(configuration, args, NodeOptions.Switches, []);
        return NodeOptions.Load(configuration, out errors);
    }
}
