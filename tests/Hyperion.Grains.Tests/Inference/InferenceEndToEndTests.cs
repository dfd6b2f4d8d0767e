using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hyperion.Gateway;
using Hyperion.Gateway.Hosting;
using Hyperion.Grains.Chain;
using Hyperion.Grains.Inference;
using Hyperion.Grains.Storage;
using Hyperion.Grains.Tests.Chain;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Hyperion.Grains.Tests.Inference;

/// <summary>
/// The "done when", through a node: a cluster hosting a chain (embedded storage, blocks sealed on a timer) and
/// the inference grid, the JSON-RPC gateway on a loopback port, and examples/inference/run.js driving it with ethers:
/// register the two-shard MLP, deploy the example contract, call it in a transaction, read the stored output, verify
/// the receipt's pin. The output must be plain ONNX Runtime's (the canonical whole-model run).
/// </summary>
public sealed class InferenceEndToEndTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "hyperion-inference-e2e-" + Guid.NewGuid().ToString("N"));
    private InProcessTestCluster? _cluster;
    private WebApplication? _gateway;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);
        var chain = DevKeys.Chain(blockTimeMs: 200);

        // A block on every tick, as a live chain has: ethers waits for a receipt by watching for new blocks.
        chain.EmptyBlocks = true;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddHyperionStorage(HyperionStorageOptions.Embedded(_dataDirectory));
            silo.AddHyperionChains(chain);
            silo.AddHyperionInference();
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();

        var web = WebApplication.CreateSlimBuilder();
        web.Services.AddSingleton<IGrainFactory>(_cluster.Client);
        web.Services.AddHyperionGateway(gateway => gateway.ChainId = DevKeys.ChainId);
        NodeHost.ListenOn(web, IPAddress.Loopback, 0);
        _gateway = web.Build();
        _gateway.MapHyperionGateway();
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.StopAsync();
            await _gateway.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }

        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task A_contract_deployed_through_the_gateway_gets_plain_onnx_runtimes_output_and_the_pin_verifies()
    {
        var onnxPath = Path.Combine(_dataDirectory, "seeded-mlp.onnx");
        await File.WriteAllBytesAsync(onnxPath, SeededMlp.Build());
        var input = SeededMlp.Input(1, 4242);
        var inputBytes = input.Single().Data.ToArray();
        using var pipeline = ModelPipeline.Open(InferenceCluster.TwoShardMlp, RuntimeProfile.Canonical);
        var plain = "0x" + Convert.ToHexStringLower(pipeline.Run(input).Outputs[0].Data.Span);

        using var result = await RunExampleAsync(
            "--rpc", NodeHost.ListeningUrl(_gateway!),
            "--key", "0x" + Convert.ToHexStringLower(DevKeys.Key(0).ToBytes()),
            "--onnx", onnxPath,
            "--cut", "hidden1",
            "--input", "0x" + Convert.ToHexStringLower(inputBytes));

        var root = result.RootElement;
        Assert.Equal(InferenceCluster.TwoShardMlp.Manifest.ModelId.ToString(), root.GetProperty("modelId").GetString());
        Assert.Equal(2, root.GetProperty("shards").GetInt32());
        Assert.Equal(plain, root.GetProperty("output").GetString());
        Assert.Equal(plain, root.GetProperty("stored").GetString());
        Assert.Equal(1, root.GetProperty("pinLogs").GetInt32());
        var verification = root.GetProperty("verification");
        Assert.True(verification.GetProperty("verified").GetBoolean(), verification.ToString());
        var call = Assert.Single(verification.GetProperty("calls").EnumerateArray());
        Assert.True(call.GetProperty("matches").GetBoolean());
    }

    private static async Task<JsonDocument> RunExampleAsync(params string[] arguments)
    {
        var root = RepositoryRoot();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.ArgumentList.Add(Path.Combine(root, "examples", "inference", "run.js"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            await node.WaitForExitAsync();
            Assert.Fail($"run.js did not finish in 2 minutes: {await stderr}");
        }

        Assert.True(node.ExitCode == 0, $"run.js failed: {await stderr}");
        return JsonDocument.Parse(await stdout);
    }

    private static string RepositoryRoot([CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", ".."));
}
