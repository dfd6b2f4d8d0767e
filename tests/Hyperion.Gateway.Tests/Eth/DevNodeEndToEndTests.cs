using System.Globalization;
using System.Numerics;
using Hyperion.Core.Crypto;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace Hyperion.Gateway.Tests.Eth;

/// <summary>
/// What a new user does first, with a real client: start the dev node, send ETH from the first development account
/// with Nethereum, see the receipt and the balances, restart on the same data folder and find the balances there.
/// </summary>
public sealed class DevNodeEndToEndTests : IDisposable
{
    private const ulong ChainId = 133717;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReceiptDeadline = TimeSpan.FromSeconds(60);
    private static readonly BigInteger TenThousandEther = BigInteger.Parse("10000000000000000000000", CultureInfo.InvariantCulture);

    private readonly TempDirectory _workingDirectory = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _workingDirectory.Dispose();
    }

    [Fact]
    public async Task Sending_ETH_from_a_development_account_commits_and_survives_a_restart()
    {
        const string sender = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
        using (var key = PrivateKey.Parse(TransactionJsonTests.DevKey))
        {
            Assert.Equal(sender, key.Address.ToLowerHex());
        }

        var recipient = EthECKey.GenerateKey().GetPublicAddress().ToLowerInvariant();
        var amount = Web3.Convert.ToWei(1.5m);
        var dataDirectory = Path.Combine(_workingDirectory.Path, "data");

        BigInteger senderAfter;
        TransactionReceipt receipt;
        using (var node = await StartNodeAsync(dataDirectory))
        {
            var web3 = new Web3(new Account(TransactionJsonTests.DevKey, ChainId), node.RpcUrl);
            Assert.Equal(TenThousandEther, (await web3.Eth.GetBalance.SendRequestAsync(sender)).Value);
            Assert.Equal(BigInteger.Zero, (await web3.Eth.GetBalance.SendRequestAsync(recipient)).Value);

            using var deadline = new CancellationTokenSource(ReceiptDeadline);
            receipt = await web3.Eth.GetEtherTransferService()
                .TransferEtherAndWaitForReceiptAsync(recipient, 1.5m, cancellationToken: deadline.Token);

            Assert.Equal(BigInteger.One, receipt.Status.Value);
            Assert.Equal(sender, receipt.From.ToLowerInvariant());
            Assert.Equal(recipient, receipt.To.ToLowerInvariant());
            Assert.True(receipt.BlockNumber.Value > 0, "the transfer is in a block after genesis");
            Assert.Equal(new BigInteger(21_000), receipt.GasUsed.Value);

            var transaction = await web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(receipt.TransactionHash);
            Assert.Equal(receipt.BlockHash, transaction.BlockHash);
            Assert.Equal(amount, transaction.Value.Value);
            var block = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(receipt.BlockNumber);
            Assert.Contains(receipt.TransactionHash, block.TransactionHashes);

            // The receipt is the user's signal that the balances moved: they must show it straight away.
            var fee = receipt.GasUsed.Value * receipt.EffectiveGasPrice.Value;
            Assert.Equal(amount, (await web3.Eth.GetBalance.SendRequestAsync(recipient)).Value);
            senderAfter = (await web3.Eth.GetBalance.SendRequestAsync(sender)).Value;
            Assert.Equal(TenThousandEther - amount - fee, senderAfter);
            Assert.Equal(
                BigInteger.One,
                (await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(sender, BlockParameter.CreateLatest())).Value);

            // Operators see the chain in the metrics: the committed transfer is counted.
            var metrics = await _http.GetStringAsync(new Uri(new Uri(node.RpcUrl), "metrics"));
            Assert.Matches(@"(?m)^hyperion_chain_transactions_committed_total\{[^}]*\} [1-9]", metrics);
            Assert.Contains("hyperion_gateway_", metrics, StringComparison.Ordinal);

            await node.StopAsync();
        }

        using (var restarted = await StartNodeAsync(dataDirectory))
        {
            var web3 = new Web3(restarted.RpcUrl);
            Assert.Equal(amount, (await web3.Eth.GetBalance.SendRequestAsync(recipient)).Value);
            Assert.Equal(senderAfter, (await web3.Eth.GetBalance.SendRequestAsync(sender)).Value);
            Assert.Equal(
                BigInteger.One,
                (await web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(sender, BlockParameter.CreateLatest())).Value);
            Assert.True((await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value >= receipt.BlockNumber.Value);
            var again = await web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(receipt.TransactionHash);
            Assert.Equal(receipt.BlockHash, again.BlockHash);
            await restarted.StopAsync();
        }
    }

    /// <summary>Starts the silo on fresh ports (the old ones may linger in TIME_WAIT) and waits until it is ready.</summary>
    private async Task<RunningNode> StartNodeAsync(string dataDirectory)
    {
        var ports = NodeProcess.FreePorts(3);
        string[] arguments =
        [
            "--port", ports[0].ToString(CultureInfo.InvariantCulture),
            "--silo-port", ports[1].ToString(CultureInfo.InvariantCulture),
            "--gateway-port", ports[2].ToString(CultureInfo.InvariantCulture),
            "--data", dataDirectory,
        ];
        var process = NodeProcess.StartSilo(_workingDirectory.Path, arguments);
        var rpcUrl = $"http://127.0.0.1:{ports[0]}/";
        try
        {
            await process.WaitForOkAsync(_http, new Uri(rpcUrl + "health/ready"), StartDeadline);
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return new RunningNode(process, rpcUrl);
    }

    private sealed class RunningNode(NodeProcess process, string rpcUrl) : IDisposable
    {
        public string RpcUrl { get; } = rpcUrl;

        /// <summary>Stops the node as Ctrl-C does and expects a clean exit, which is what the restart relies on.</summary>
        public async Task StopAsync()
        {
            process.Signal(NodeProcess.SigInt);
            var exitCode = await process.WaitForExitAsync(StopDeadline);
            Assert.True(exitCode == 0, $"exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"} after SIGINT\n{process.Output}");
        }

        public void Dispose() => process.Dispose();
    }
}
