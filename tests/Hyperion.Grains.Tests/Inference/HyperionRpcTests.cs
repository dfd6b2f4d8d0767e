using System.Text;
using System.Text.Json;
using Hyperion.Gateway;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hyperion.Grains.Tests.Inference;

/// <summary>The <c>hyperion_</c> JSON-RPC methods through the gateway's dispatcher, against the shared cluster.</summary>
[Collection(SharedInferenceClusterDefinition.Name)]
public sealed class HyperionRpcTests(SharedInferenceCluster shared) : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddLogging()
        .AddSingleton<IGrainFactory>(shared.Grid.Client)
        .AddHyperionGateway(options => options.ChainId = 31337)
        .BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task RegisterModel_returns_the_model_id_and_shard_count()
    {
        var onnx = "0x" + Convert.ToHexStringLower(SeededMlp.Build());

        using var response = await CallAsync("hyperion_registerModel", new object[] { new { name = "seeded-mlp", onnx, cuts = new[] { "hidden1" } } });

        var result = response.RootElement.GetProperty("result");
        Assert.Equal(InferenceCluster.TwoShardMlp.Manifest.ModelId.ToString(), result.GetProperty("modelId").GetString());
        Assert.Equal(2, result.GetProperty("shards").GetInt32());
    }

    [Fact]
    public async Task Infer_returns_plain_onnx_runtimes_outputs_and_the_output_hash()
    {
        using var pipeline = ModelPipeline.Open(InferenceCluster.TwoShardMlp, RuntimeProfile.Canonical);
        var input = SeededMlp.Input(2, 99);
        var expected = pipeline.Run(input);

        using var response = await CallAsync("hyperion_infer", new object[]
        {
            new
            {
                modelId = shared.Model.ModelId,
                inputs = new Dictionary<string, object> { ["input"] = new { dims = new[] { 2, SeededMlp.InputWidth }, data = input[0].ToSingles() } },
            },
        });

        var result = response.RootElement.GetProperty("result");
        var output = result.GetProperty("outputs").GetProperty("output");
        Assert.Equal([2L, SeededMlp.OutputWidth], output.GetProperty("dims").EnumerateArray().Select(dim => dim.GetInt64()));
        Assert.Equal(expected.Outputs[0].ToSingles(), output.GetProperty("data").EnumerateArray().Select(value => value.GetSingle()));
        Assert.Equal(expected.Commitment.OutputHash.ToString(), result.GetProperty("outputHash").GetString());
    }

    [Fact]
    public async Task Infer_with_a_wrong_shape_or_an_unknown_model_is_an_invalid_params_error()
    {
        using var wrongShape = await CallAsync("hyperion_infer", new object[]
        {
            new { modelId = shared.Model.ModelId, inputs = new Dictionary<string, object> { ["input"] = new { dims = new[] { 1, 3 }, data = new[] { 1, 2, 3 } } } },
        });
        using var unknown = await CallAsync("hyperion_infer", new object[]
        {
            new { modelId = "0x" + new string('5', 64), inputs = new Dictionary<string, object>() },
        });

        Assert.Equal(JsonRpcErrorCodes.InvalidParams, wrongShape.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.InvalidParams, unknown.RootElement.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Models_lists_the_manifest_and_where_each_shard_replica_runs()
    {
        using var response = await CallAsync("hyperion_models", Array.Empty<object>());

        var model = response.RootElement.GetProperty("result").EnumerateArray().Single(entry => entry.GetProperty("modelId").GetString() == shared.Model.ModelId);
        Assert.Equal(2, model.GetProperty("shards").GetInt32());
        Assert.Equal("seeded-mlp", model.GetProperty("manifest").GetProperty("name").GetString());
        var placement = model.GetProperty("placement").EnumerateArray().ToArray();
        Assert.Equal(4, placement.Length);
        Assert.All(placement, entry => Assert.Contains(shared.Grid.Cluster.Silos, silo => silo.SiloAddress.ToString() == entry.GetProperty("silo").GetString()));
    }

    private async Task<JsonDocument> CallAsync(string method, object parameters)
    {
        var request = JsonSerializer.SerializeToUtf8Bytes(new { jsonrpc = "2.0", id = 1, method, @params = parameters });
        var response = await _services.GetRequiredService<JsonRpcDispatcher>().DispatchAsync(request);
        return JsonDocument.Parse(Encoding.UTF8.GetString(response!));
    }
}
