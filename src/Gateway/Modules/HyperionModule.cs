using System.Text.Json;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;
using Hyperion.Grains.Abstractions;
using Hyperion.Grains.Abstractions.Inference;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hyperion.Gateway.Modules;

/// <summary>
/// The <c>hyperion_</c> namespace: the inference grid.
/// <list type="bullet">
/// <item><c>hyperion_registerModel [{"name", "onnx": "0x…", "cuts": [names]?}]</c> → <c>{"modelId", "shards"}</c></item>
/// <item><c>hyperion_infer [{"modelId", "inputs": {name: {"dims", "data"}}}]</c> → <c>{"outputs": {name: {"dims", "data"}}, "outputHash"}</c>,
/// run under the canonical profile</item>
/// <item><c>hyperion_models []</c> → the manifests and where each shard replica runs</item>
/// <item><c>hyperion_verifyInference [txHash]</c> → re-runs every call the transaction's receipt pins, under the
/// canonical profile, and says whether each matches (and if not, the first shard that differs)</item>
/// </list>
/// A model's .onnx travels as hex in the request, so models larger than half of
/// <see cref="GatewayOptions.MaxRequestBodyBytes"/> need that limit raised.
/// </summary>
public sealed class HyperionModule(IServiceProvider services, IOptions<GatewayOptions> options) : IRpcModule
{
    private const int ServerError = -32000;
    private readonly ulong _chainId = options.Value.ChainId;
    private IGrainFactory? _grains;

    public void RegisterMethods(RpcMethodTable methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        methods.Add("hyperion_registerModel", RegisterModel);
        methods.Add("hyperion_infer", Infer);
        methods.Add("hyperion_models", Models);
        methods.Add("hyperion_verifyInference", VerifyInference);
    }

    private IGrainFactory Grains => _grains ??= services.GetService<IGrainFactory>()
        ?? throw new RpcException(ServerError, "this gateway is not connected to a Hyperion Grid cluster");

    private async ValueTask<object?> RegisterModel(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 1);
        var request = Object(parameters[0], 0);
        var name = request.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
            ? nameElement.GetString()!
            : throw RpcArgs.Invalid(0, "name", "expected a string");
        var onnx = RpcArgs.ReadData(request.TryGetProperty("onnx", out var onnxElement) ? onnxElement : default, 0, "onnx");
        var cuts = new List<string>();
        if (request.TryGetProperty("cuts", out var cutsElement) && !RpcArgs.IsAbsent(cutsElement))
        {
            if (cutsElement.ValueKind != JsonValueKind.Array)
            {
                throw RpcArgs.Invalid(0, "cuts", "expected an array of tensor names");
            }

            foreach (var cut in cutsElement.EnumerateArray())
            {
                cuts.Add(cut.ValueKind == JsonValueKind.String ? cut.GetString()! : throw RpcArgs.Invalid(0, "cuts", "expected tensor names"));
            }
        }

        var info = await Call(() => Grains.GetGrain<IModelCatalogGrain>(0).RegisterAsync(name, onnx, [.. cuts]));
        return new Dictionary<string, object?> { ["modelId"] = info.ModelId, ["shards"] = info.ShardCount };
    }

    private async ValueTask<object?> Infer(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 1);
        var request = Object(parameters[0], 0);
        var modelId = request.TryGetProperty("modelId", out var idElement) ? RpcArgs.ReadHash(idElement, 0, "modelId") : throw RpcArgs.Invalid(0, "modelId", "missing value");
        if (!request.TryGetProperty("inputs", out var inputsElement) || inputsElement.ValueKind != JsonValueKind.Object)
        {
            throw RpcArgs.Invalid(0, "inputs", "expected an object of named tensors");
        }

        var inputs = new List<NumericTensor>();
        foreach (var input in inputsElement.EnumerateObject())
        {
            var field = "inputs." + input.Name;
            if (input.Value.ValueKind != JsonValueKind.Object
                || !input.Value.TryGetProperty("dims", out var dims) || dims.ValueKind != JsonValueKind.Array
                || !input.Value.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                throw RpcArgs.Invalid(0, field, "expected {\"dims\": [...], \"data\": [...]}");
            }

            inputs.Add(new NumericTensor(
                input.Name,
                [.. dims.EnumerateArray().Select(dim => dim.TryGetInt64(out var value) && value >= 0 ? value : throw RpcArgs.Invalid(0, field, "dims must be non-negative integers"))],
                [.. data.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.Number ? item.GetDouble() : throw RpcArgs.Invalid(0, field, "data must be numbers"))]));
        }

        var result = await Call(() => Grains.GetGrain<IInferenceRouterGrain>(0).InferValuesAsync(modelId.ToString(), [.. inputs]));
        var outputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var output in result.Outputs)
        {
            outputs[output.Name] = new Dictionary<string, object?> { ["dims"] = output.Dimensions, ["data"] = output.ToNumbers() };
        }

        return new Dictionary<string, object?> { ["outputs"] = outputs, ["outputHash"] = result.OutputHash };
    }

    private async ValueTask<object?> Models(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectNone();
        var listings = await Call(() => Grains.GetGrain<IInferenceRouterGrain>(0).ListModelsAsync());
        return listings.Select(listing => new Dictionary<string, object?>
        {
            ["modelId"] = listing.Model.ModelId,
            ["name"] = listing.Model.Name,
            ["shards"] = listing.Model.ShardCount,
            ["cuts"] = listing.Model.Cuts,
            ["parameterCount"] = listing.Model.ParameterCount,
            ["manifestHash"] = listing.Model.ManifestHash,
            ["manifest"] = JsonDocument.Parse(listing.Model.ManifestJson).RootElement.Clone(),
            ["placement"] = listing.Shards.Select(status => new Dictionary<string, object?>
            {
                ["shard"] = status.Shard,
                ["replica"] = status.Replica,
                ["silo"] = status.Silo,
                ["gpu"] = status.SiloHasGpu,
                ["provider"] = status.ServingProvider,
                ["providerFallbackReason"] = status.ProviderFallbackReason,
                ["requests"] = status.Requests,
                ["batches"] = status.Batches,
                ["largestBatch"] = status.LargestBatch,
                ["queueLength"] = status.QueueLength,
            }).ToArray(),
        }).ToArray();
    }

    private async ValueTask<object?> VerifyInference(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 1);
        var transactionHash = RpcArgs.ReadHash(parameters[0], 0);
        var receipt = await Call(() => Grains.GetChainReaderGrain(_chainId).GetReceiptAsync(transactionHash))
            ?? throw new RpcException(ServerError, $"no committed transaction {transactionHash}");
        ReceiptLog[] logs = [.. receipt.Logs.Select(log => new ReceiptLog(log.Address.ToArray(), [.. log.Topics.Select(topic => topic.ToArray())], log.Data))];
        var verdicts = await Call(() => Grains.GetGrain<IInferenceRouterGrain>(0).VerifyPinsAsync(logs));
        return new Dictionary<string, object?>
        {
            ["transactionHash"] = transactionHash.ToString(),
            ["verified"] = verdicts.Length > 0 && verdicts.All(verdict => verdict.Matches),
            ["calls"] = verdicts.Select(verdict => new Dictionary<string, object?>
            {
                ["logIndex"] = receipt.Logs[verdict.LogIndex].LogIndex,
                ["modelId"] = verdict.ModelId,
                ["inputHash"] = verdict.InputHash,
                ["pinnedBoundaryHashes"] = verdict.PinnedBoundaryHashes,
                ["pinnedOutputHash"] = verdict.PinnedOutputHash,
                ["recomputedBoundaryHashes"] = verdict.RecomputedBoundaryHashes,
                ["recomputedOutputHash"] = verdict.RecomputedOutputHash,
                ["matches"] = verdict.Matches,
                ["firstDivergentShard"] = verdict.FirstDivergentShard,
                ["problem"] = verdict.Problem,
            }).ToArray(),
        };
    }

    private static JsonElement Object(JsonElement element, int index) =>
        element.ValueKind == JsonValueKind.Object ? element : throw RpcArgs.Invalid(index, null, "expected an object");

    /// <summary>Runs a grain call, turning the grid's request errors into -32602 and its outages into -32000.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (InferenceRequestException exception)
        {
            throw RpcException.InvalidParams(exception.Message);
        }
        catch (Exception exception) when (exception is InferenceUnavailableException or InferenceBusyException)
        {
            throw new RpcException(ServerError, exception.Message);
        }
    }
}
