using System.Diagnostics;
using Hyperion.Core;
using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Inference;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Tensors;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Hyperion.Grains.Inference;

/// <summary>
/// Runs requests through a model's shards in order. Each shard call goes to a replica picked per request; when that
/// replica fails (its silo died, its queue is full) the call moves to the next replica, until
/// <see cref="InferenceOptions.FailoverTimeout"/>. A stateless worker, so every silo routes locally.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class InferenceRouterGrain(
    IGrainFactory grains,
    ModelManifestCache manifests,
    CanonicalPipelineCache pipelines,
    IOptions<InferenceOptions> options,
    InferenceMetrics metrics) : Grain, IInferenceRouterGrain
{
    private readonly InferenceOptions _options = options.Value;

    public async Task<InferenceResult> InferAsync(string modelId, TensorPayload[] inputs, bool canonical)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var id = ModelIds.Normalize(modelId);
        var manifest = await RequireManifestAsync(id);
        TensorSet tensors;
        try
        {
            tensors = inputs.ToTensorSet();
        }
        catch (InvalidInferenceInputException exception)
        {
            throw new InferenceRequestException(exception.Message);
        }

        return await RunAsync(id, manifest, tensors, canonical);
    }

    public async Task<InferenceResult> InferValuesAsync(string modelId, NumericTensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var id = ModelIds.Normalize(modelId);
        var manifest = await RequireManifestAsync(id);
        var tensors = new List<NamedTensor>(inputs.Length);
        try
        {
            foreach (var input in inputs)
            {
                var signature = manifest.Inputs.FirstOrDefault(candidate => candidate.Name == input.Name)
                    ?? throw new InferenceRequestException($"model {id} has no input '{input.Name}'; its inputs are {string.Join(", ", manifest.Inputs)}");
                tensors.Add(TensorPayloads.FromNumeric(input, signature));
            }
        }
        catch (Exception exception) when (exception is InvalidInferenceInputException or OverflowException)
        {
            throw new InferenceRequestException(exception.Message);
        }

        return await RunAsync(id, manifest, new TensorSet(tensors), canonical: true);
    }

    public async Task<ModelListing[]> ListModelsAsync()
    {
        var ids = await grains.GetGrain<IModelCatalogGrain>(0).ListAsync();
        var listings = new List<ModelListing>(ids.Length);
        foreach (var id in ids)
        {
            var info = await grains.GetGrain<IModelRegistryGrain>(id).GetAsync();
            if (info is null)
            {
                continue;
            }

            var statuses = new List<Task<ShardStatus>>();
            for (var shard = 0; shard < info.ShardCount; shard++)
            {
                for (var replica = 0; replica < _options.Replicas; replica++)
                {
                    statuses.Add(StatusAsync(id, shard, replica));
                }
            }

            listings.Add(new ModelListing(info, await Task.WhenAll(statuses)));
        }

        return [.. listings];
    }

    public async Task<PinVerification[]> VerifyPinsAsync(ReceiptLog[] logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var verdicts = new List<PinVerification>();
        for (var index = 0; index < logs.Length; index++)
        {
            var log = logs[index];
            if (!log.Address.AsSpan().SequenceEqual(InferencePrecompile.Address.Bytes) || log.Topics.Length == 0
                || !log.Topics[0].AsSpan().SequenceEqual(InferencePin.EventTopic.Bytes))
            {
                continue;
            }

            var topics = log.Topics.Where(topic => topic.Length == Hash256.Length).Select(topic => new Hash256(topic)).ToArray();
            if (topics.Length != log.Topics.Length || !InferencePin.TryDecode(topics, log.Data, out var pin))
            {
                verdicts.Add(new PinVerification(index, string.Empty, string.Empty, [], string.Empty, [], null, false, null, "the log is not a well-formed inference pin"));
                continue;
            }

            verdicts.Add(await VerifyAsync(index, pin!));
        }

        return [.. verdicts];
    }

    private async Task<PinVerification> VerifyAsync(int logIndex, InferencePin pin)
    {
        var claimed = pin.Commitment;
        var modelId = ModelIds.Format(claimed.ModelId);
        string[] pinnedBoundaries = [.. claimed.BoundaryHashes.Select(hash => hash.ToString())];
        PinVerification Verdict(string[] recomputed, string? output, bool matches, int? divergent, string? problem) =>
            new(logIndex, modelId, claimed.InputHash.ToString(), pinnedBoundaries, claimed.OutputHash.ToString(), recomputed, output, matches, divergent, problem);

        var manifest = await manifests.GetAsync(modelId);
        if (manifest is null)
        {
            return Verdict([], null, false, null, $"model {modelId} is not registered on this grid");
        }

        TensorSet inputs;
        try
        {
            inputs = manifest.SingleInputFromBytes(pin.Input);
        }
        catch (InvalidInferenceInputException exception)
        {
            return Verdict([], null, false, null, $"the pinned input does not fit the model: {exception.Message}");
        }

        if (inputs.Hash != claimed.InputHash)
        {
            return Verdict([], null, false, 0, $"the pinned input hashes to {inputs.Hash}, not to the pinned input hash");
        }

        var pipeline = await pipelines.GetAsync(modelId, manifest);
        var rerun = await Task.Run(() => pipeline.Run(inputs));
        var actual = rerun.Commitment;
        string[] recomputed = [.. actual.BoundaryHashes.Select(hash => hash.ToString())];
        if (!rerun.IsCanonical)
        {
            return Verdict(recomputed, actual.OutputHash.ToString(), false, null, "this node cannot run the canonical profile, so it cannot verify");
        }

        if (claimed.ShardCount != actual.ShardCount)
        {
            return Verdict(recomputed, actual.OutputHash.ToString(), false, null, $"the pin has {claimed.ShardCount} shards, the model {actual.ShardCount}");
        }

        var divergent = actual.FirstDivergentShard(claimed);
        return Verdict(recomputed, actual.OutputHash.ToString(), divergent is null, divergent, divergent is null ? null : $"shard {divergent} computed something else than the pin states");
    }

    private async Task<InferenceResult> RunAsync(string modelId, ModelManifest manifest, TensorSet inputs, bool canonical)
    {
        try
        {
            if (inputs.Count != manifest.Inputs.Length)
            {
                throw new InvalidInferenceInputException($"model {modelId} takes {manifest.Inputs.Length} inputs ({string.Join(", ", manifest.Inputs)}), {inputs.Count} were given");
            }

            foreach (var signature in manifest.Inputs)
            {
                if (!inputs.TryGetValue(signature.Name, out var tensor))
                {
                    throw new InvalidInferenceInputException($"input '{signature.Name}' is missing");
                }

                signature.Validate(tensor);
            }
        }
        catch (InvalidInferenceInputException exception)
        {
            throw new InferenceRequestException(exception.Message);
        }

        var current = inputs.ToPayloads();
        var boundaries = new string[manifest.Shards.Length - 1];
        var timings = new ShardTiming[manifest.Shards.Length];
        var isCanonical = true;
        for (var shard = 0; shard < manifest.Shards.Length; shard++)
        {
            var (result, replica, attempts) = await RunShardAsync(modelId, shard, current, canonical);
            current = result.Outputs;
            isCanonical &= result.IsCanonical;
            timings[shard] = new ShardTiming(shard, replica, result.Silo, result.QueueMicroseconds, result.ComputeMicroseconds, result.BatchSize, attempts);
            if (shard < boundaries.Length)
            {
                boundaries[shard] = current.ToTensorSet().Hash.ToString();
            }
        }

        return new InferenceResult(modelId, current, inputs.Hash.ToString(), boundaries, current.ToTensorSet().Hash.ToString(), isCanonical, timings);
    }

    private async Task<(ShardRunResult Result, int Replica, int Attempts)> RunShardAsync(string modelId, int shard, TensorPayload[] inputs, bool canonical)
    {
        var replicas = _options.Replicas;
        var first = Random.Shared.Next(replicas);
        var started = Stopwatch.GetTimestamp();
        var attempts = 0;
        Exception? last = null;
        while (true)
        {
            for (var offset = 0; offset < replicas; offset++)
            {
                var replica = (first + offset) % replicas;
                attempts++;
                try
                {
                    var result = await grains.GetGrain<IModelShardGrain>(ShardKeys.Format(modelId, shard, replica)).RunAsync(inputs, canonical);
                    return (result, replica, attempts);
                }
                catch (InferenceRequestException)
                {
                    throw;
                }
#pragma warning disable CA1031 // Any other failure is the replica's (dead silo, full queue, timeout): the next replica is tried.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    last = exception;
                    metrics.RecordFailover(modelId, shard);
                }
            }

            if (Stopwatch.GetElapsedTime(started) > _options.FailoverTimeout)
            {
                throw new InferenceUnavailableException($"no replica of shard {shard} of model {modelId} answered within {_options.FailoverTimeout}: {last?.Message}");
            }

            // Membership needs a moment to declare a dead silo and let its grains reactivate elsewhere.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    private async Task<ShardStatus> StatusAsync(string modelId, int shard, int replica)
    {
        try
        {
            return await grains.GetGrain<IModelShardGrain>(ShardKeys.Format(modelId, shard, replica)).GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
#pragma warning disable CA1031 // A replica that cannot answer is listed as such.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return new ShardStatus(modelId, shard, replica, "unavailable", false, "none", exception.Message, 0, 0, 0, 0);
        }
    }

    private async Task<ModelManifest> RequireManifestAsync(string modelId) =>
        await manifests.GetAsync(modelId) ?? throw new InferenceRequestException($"no model {modelId} is registered");
}
