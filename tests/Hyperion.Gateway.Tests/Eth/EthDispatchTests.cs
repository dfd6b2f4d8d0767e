using System.Text;
using System.Text.Json;
using Hyperion.Gateway.JsonRpc;
using Microsoft.Extensions.DependencyInjection;

namespace Hyperion.Gateway.Tests.Eth;

/// <summary>
/// The eth methods through the real dispatcher, without a cluster: what must be answered before any grain is asked
/// (parameter errors, methods that need no state), and that the rest says plainly there is no cluster.
/// </summary>
public sealed class EthDispatchTests : IDisposable
{
    private readonly ServiceProvider _services = JsonRpcDispatcherTests.CreateServices(133717);

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("eth_chainId", "[]", "\"0x20a55\"")]
    [InlineData("eth_accounts", "[]", "[]")]
    [InlineData("eth_syncing", "[]", "false")]
    public async Task Methods_that_need_no_state_answer_without_a_cluster(string method, string parameters, string expected)
    {
        var response = await DispatchAsync(method, parameters);
        JsonRpcDispatcherTests.AssertResult(response, "1", expected);
    }

    [Theory]
    [InlineData("eth_getBalance", """["0x1234", "latest"]""", "invalid argument 0: hex string has length 4, want 40 for an address")]
    [InlineData("eth_getBalance", """["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "newest"]""", "invalid argument 1: hex string without 0x prefix")]
    [InlineData("eth_getBalance", "[]", "eth_getBalance takes 1 to 2 parameters, but 0 were given")]
    [InlineData("eth_getTransactionByHash", """["0x1234"]""", "invalid argument 0: hex string has length 4, want 64 for a hash")]
    [InlineData("eth_getBlockByNumber", """["0x01", false]""", "invalid argument 0: hex number with leading zero digits")]
    [InlineData("eth_getStorageAt", """["0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", "zero"]""", "invalid argument 1: hex string without 0x prefix")]
    [InlineData("eth_sendRawTransaction", """["0x0"]""", "invalid argument 0: hex string of odd length")]
    [InlineData("eth_call", """[{"to": "0x12"}]""", "invalid argument 0: to: hex string has length 2, want 40 for an address")]
    [InlineData("eth_call", """[{}, "latest", {"0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266": {}}]""", "invalid argument 2: state overrides are not supported")]
    [InlineData("eth_feeHistory", """["0x4", "latest", [90, 10]]""", "invalid argument 2: invalid reward percentile #1: 10 is below #0 (90); list them in increasing order")]
    public async Task Parameter_errors_are_minus_32602_with_a_clear_message(string method, string parameters, string message)
    {
        var response = await DispatchAsync(method, parameters);
        JsonRpcDispatcherTests.AssertError(response, JsonRpcErrorCodes.InvalidParams, "1");
        Assert.Equal(message, response.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_transaction_for_another_chain_is_refused_before_the_sequencer()
    {
        using var key = Hyperion.Core.Crypto.PrivateKey.Parse(TransactionJsonTests.DevKey);
        var raw = (TransactionJsonTests.DynamicFee(key) with { ChainId = 1 }).Sign(key).Encode();
        var response = await DispatchAsync("eth_sendRawTransaction", $"[\"{Hyperion.Core.Hex.Encode(raw)}\"]");
        JsonRpcDispatcherTests.AssertError(response, -32000, "1");
        Assert.Equal("invalid chain id for signer", response.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Without_a_cluster_a_state_read_says_so()
    {
        var response = await DispatchAsync("eth_blockNumber", "[]");
        JsonRpcDispatcherTests.AssertError(response, -32000, "1");
        Assert.Equal(
            "this gateway is not connected to a Hyperion Grid cluster",
            response.GetProperty("error").GetProperty("message").GetString());
    }

    private async Task<JsonElement> DispatchAsync(string method, string parameters)
    {
        var dispatcher = _services.GetRequiredService<JsonRpcDispatcher>();
        var body = $$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":{{parameters}}}""";
        var bytes = await dispatcher.DispatchAsync(Encoding.UTF8.GetBytes(body));
        Assert.NotNull(bytes);
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }
}
