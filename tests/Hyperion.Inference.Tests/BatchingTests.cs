using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Sharding;
using Hyperion.Inference.Tensors;

namespace Hyperion.Inference.Tests;

public sealed class BatchingTests
{
    private static readonly PackagedModel Model = ModelPackager.Package("mlp", SeededMlp.Build(), CutPoint.AtEach(["hidden1", "hidden2"]));

    [Fact]
    public void Batched_results_equal_individual_results_bit_for_bit()
    {
        using var shard = ShardSession.Open(Model.Manifest.Shards[0], Model.ShardBytes[0], TestProfiles.CanonicalSettings);
        var requests = new[] { 1, 3, 2, 5, 1, 16 }.Select((rows, index) => SeededMlp.Input(rows, (ulong)(100 + index))).ToArray();

        var batched = shard.RunBatch(requests);

        Assert.True(shard.SupportsBatching);
        Assert.Equal(requests.Length, batched.Count);
        for (var request = 0; request < requests.Length; request++)
        {
            Assert.Equal(shard.Run(requests[request]), batched[request]);
        }
    }

    [Fact]
    public void A_batched_pipeline_gives_each_request_its_own_commitment()
    {
        using var pipeline = ModelPipeline.Open(Model, TestProfiles.CanonicalSettings);
        var requests = new[] { 2, 1, 4 }.Select((rows, index) => SeededMlp.Input(rows, (ulong)(200 + index))).ToArray();

        var batched = pipeline.RunBatch(requests);

        for (var request = 0; request < requests.Length; request++)
        {
            var alone = pipeline.Run(requests[request]);
            Assert.Equal(alone.Commitment, batched[request].Commitment);
            Assert.True(alone.Boundaries.SequenceEqual(batched[request].Boundaries));
        }
    }

    [Fact]
    public void Requests_that_do_not_fit_are_refused_before_running()
    {
        using var shard = ShardSession.Open(Model.Manifest.Shards[0], Model.ShardBytes[0], TestProfiles.CanonicalSettings);

        var wrongWidth = new TensorSet(NamedTensor.FromSingles("input", [1, 15], new float[15]));
        Assert.Contains("must have shape [N,16]", Assert.Throws<InvalidInferenceInputException>(() => shard.Run(wrongWidth)).Message, StringComparison.Ordinal);
        var wrongName = new TensorSet(NamedTensor.FromSingles("x", [1, 16], new float[16]));
        Assert.Contains("needs input 'input'", Assert.Throws<InvalidInferenceInputException>(() => shard.Run(wrongName)).Message, StringComparison.Ordinal);
        var wrongType = new TensorSet(new NamedTensor("input", TensorDataType.Float64, [1L, 16], new byte[16 * 8]));
        Assert.Throws<InvalidInferenceInputException>(() => shard.RunBatch([SeededMlp.Input(1, 1), wrongType]));
        Assert.Throws<ArgumentException>(() => new NamedTensor("input", TensorDataType.Float32, [2L, 16], new byte[16 * 4]));
    }
}
