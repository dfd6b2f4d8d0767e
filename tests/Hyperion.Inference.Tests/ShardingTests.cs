using Google.Protobuf;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Sharding;
using Onnx;

namespace Hyperion.Inference.Tests;

public sealed class ShardingTests
{
    private static readonly byte[] Mlp = SeededMlp.Build();
    private static readonly byte[] ResidualMlp = SeededMlp.Build(residual: true);

    public static TheoryData<string[][]> CutChoices => new()
    {
        new[] { new[] { "hidden1" } },
        new[] { new[] { "hidden2" } },
        new[] { new[] { "fc1" } },
        new[] { new[] { "fc2_matmul" } },
        new[] { new[] { "hidden1" }, new[] { "hidden2" } },
        new[] { new[] { "fc1" }, new[] { "fc2_matmul" }, new[] { "hidden2" } },
        new[] { new[] { "fc1" }, new[] { "hidden1" }, new[] { "fc2_matmul" }, new[] { "fc2" }, new[] { "hidden2" } },
    };

    [Theory]
    [MemberData(nameof(CutChoices))]
    public void Shards_in_sequence_give_the_full_models_bits(string[][] cuts)
    {
        var whole = ModelPackager.Package("mlp", Mlp, []);
        var sharded = ModelPackager.Package("mlp", Mlp, [.. cuts.Select(CutPoint.Of)]);
        Assert.Equal(cuts.Length + 1, sharded.Manifest.Shards.Length);

        using var wholePipeline = ModelPipeline.Open(whole, TestProfiles.CanonicalSettings);
        using var shardedPipeline = ModelPipeline.Open(sharded, TestProfiles.CanonicalSettings);
        foreach (var rows in new[] { 1, 3, 17 })
        {
            var input = SeededMlp.Input(rows, seed: (ulong)rows);
            var expected = wholePipeline.Run(input);
            var actual = shardedPipeline.Run(input);
            Assert.Equal(TestProfiles.CanonicalRuntimeLoaded, actual.IsCanonical);
            Assert.Equal(expected.Outputs, actual.Outputs);
            Assert.Equal(expected.Commitment.OutputHash, actual.Commitment.OutputHash);
            Assert.Equal(cuts.Length, actual.Boundaries.Length);
        }
    }

    [Fact]
    public void A_residual_connection_crosses_a_cut_only_when_the_cut_carries_it()
    {
        var whole = ModelPackager.Package("residual", ResidualMlp, []);
        var sharded = ModelPackager.Package("residual", ResidualMlp, [CutPoint.Of("hidden2", "hidden1")]);
        using var wholePipeline = ModelPipeline.Open(whole, TestProfiles.CanonicalSettings);
        using var shardedPipeline = ModelPipeline.Open(sharded, TestProfiles.CanonicalSettings);
        var input = SeededMlp.Input(5, seed: 9);
        Assert.Equal(wholePipeline.Run(input).Outputs, shardedPipeline.Run(input).Outputs);

        var error = Assert.Throws<InvalidCutException>(() => ModelPackager.Package("residual", ResidualMlp, CutPoint.AtEach(["hidden2"])));
        Assert.Contains("dependency across shards", error.Message, StringComparison.Ordinal);
        Assert.Contains("'hidden1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_input_can_be_passed_on_through_a_cut()
    {
        var whole = ModelPackager.Package("mlp", Mlp, []);
        var sharded = ModelPackager.Package("mlp", Mlp, [CutPoint.Of("hidden1", "input"), CutPoint.Of("hidden2")]);
        using var wholePipeline = ModelPipeline.Open(whole, TestProfiles.CanonicalSettings);
        using var shardedPipeline = ModelPipeline.Open(sharded, TestProfiles.CanonicalSettings);
        var input = SeededMlp.Input(4, seed: 4);
        var result = shardedPipeline.Run(input);
        Assert.Equal(wholePipeline.Run(input).Outputs, result.Outputs);
        Assert.Equal(input["input"], result.Boundaries[0]["input"]);
    }

    [Fact]
    public void A_model_output_computed_early_must_be_carried_to_the_end()
    {
        var model = ModelProto.Parser.ParseFrom(Mlp);
        model.Graph.Output.Add(new ValueInfoProto { Name = "hidden1" });
        var twoOutputs = model.ToByteArray();

        var error = Assert.Throws<InvalidCutException>(() => ModelPackager.Package("two outputs", twoOutputs, CutPoint.AtEach(["hidden2"])));
        Assert.Contains("the model output 'hidden1' is computed in shard 0, before cut 0, which does not carry it", error.Message, StringComparison.Ordinal);

        var carried = ModelPackager.Package("two outputs", twoOutputs, [CutPoint.Of("hidden2", "hidden1")]);
        using var pipeline = ModelPipeline.Open(carried, TestProfiles.CanonicalSettings);
        using var whole = ModelPipeline.Open(ModelPackager.Package("two outputs", twoOutputs, []), TestProfiles.CanonicalSettings);
        var input = SeededMlp.Input(3, seed: 30);
        var result = pipeline.Run(input);
        Assert.Equal(whole.Run(input).Outputs, result.Outputs);
        Assert.Equal(result.Boundaries[0]["hidden1"], result.Outputs["hidden1"]);
    }

    [Fact]
    public void Boundary_activations_are_exposed_with_their_hashes()
    {
        var sharded = ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(["hidden1", "hidden2"]));
        using var pipeline = ModelPipeline.Open(sharded, TestProfiles.CanonicalSettings);
        var result = pipeline.Run(SeededMlp.Input(2, seed: 1));

        Assert.Equal(["hidden1"], result.Boundaries[0].Names);
        Assert.Equal([2L, SeededMlp.HiddenWidth], result.Boundaries[1]["hidden2"].Dimensions.ToArray());
        Assert.Equal(result.Boundaries.Select(boundary => boundary.Hash), result.Commitment.BoundaryHashes);
        Assert.All(result.Boundaries[0]["hidden1"].ToSingles(), value => Assert.True(value >= 0)); // after a Relu
    }

    [Theory]
    [InlineData(new[] { "nope" }, "not a tensor of this model")]
    [InlineData(new[] { "W2" }, "an initializer")]
    [InlineData(new[] { "hidden2", "hidden1" }, "out of topological order")]
    [InlineData(new[] { "output" }, "would compute nothing")]
    [InlineData(new[] { "input" }, "would compute nothing")]
    [InlineData(new[] { "hidden1", "hidden1" }, "would compute nothing")]
    [InlineData(new[] { "fc2" }, null)]
    public void Invalid_cuts_are_refused_with_a_clear_error(string[] singleTensorCuts, string? expectedMessage)
    {
        if (expectedMessage is null)
        {
            Assert.Equal(2, ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(singleTensorCuts)).Manifest.Shards.Length);
            return;
        }

        var error = Assert.Throws<InvalidCutException>(() => ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(singleTensorCuts)));
        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_naming_a_tensor_twice_or_nothing_is_refused()
    {
        Assert.Contains("twice", Assert.Throws<InvalidCutException>(() => ModelPackager.Package("mlp", Mlp, [CutPoint.Of("fc1", "fc1")])).Message, StringComparison.Ordinal);
        Assert.Contains("names no tensors", Assert.Throws<InvalidCutException>(() => ModelPackager.Package("mlp", Mlp, [CutPoint.Of()])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_naming_a_tensor_computed_before_the_previous_cut_is_refused()
    {
        var error = Assert.Throws<InvalidCutException>(() => ModelPackager.Package("mlp", Mlp, [CutPoint.Of("hidden1"), CutPoint.Of("hidden2", "fc1")]));
        Assert.Contains("out of topological order", error.Message, StringComparison.Ordinal);
        Assert.Contains("'fc1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_skip_connection_over_two_cuts_must_be_carried_by_both()
    {
        // hidden1 is read by the residual Add after cut 1, so cut 0 and cut 1 must both carry it.
        var error = Assert.Throws<InvalidCutException>(() => ModelPackager.Package("residual", ResidualMlp, [CutPoint.Of("hidden1"), CutPoint.Of("hidden2")]));
        Assert.Contains("node 'skip' (Add) after cut 1 reads 'hidden1'", error.Message, StringComparison.Ordinal);

        var carried = ModelPackager.Package("residual", ResidualMlp, [CutPoint.Of("hidden1"), CutPoint.Of("hidden2", "hidden1")]);
        using var pipeline = ModelPipeline.Open(carried, TestProfiles.CanonicalSettings);
        using var whole = ModelPipeline.Open(ModelPackager.Package("residual", ResidualMlp, []), TestProfiles.CanonicalSettings);
        var input = SeededMlp.Input(6, seed: 6);
        Assert.Equal(whole.Run(input).Outputs, pipeline.Run(input).Outputs);
    }

    [Fact]
    public void The_first_divergent_shard_is_named()
    {
        var sharded = ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(["hidden1", "hidden2"]));
        using var pipeline = ModelPipeline.Open(sharded, TestProfiles.CanonicalSettings);
        var honest = pipeline.Run(SeededMlp.Input(3, seed: 3)).Commitment;
        var tampered = honest with { BoundaryHashes = honest.BoundaryHashes.SetItem(1, honest.OutputHash) };

        Assert.Null(honest.FirstDivergentShard(honest));
        Assert.Equal(1, honest.FirstDivergentShard(tampered));
        Assert.Equal(2, honest.FirstDivergentShard(honest with { OutputHash = honest.InputHash }));
        Assert.NotEqual(honest.ComputeHash(), tampered.ComputeHash());
        Assert.Throws<ArgumentException>(() => honest.FirstDivergentShard(honest with { InputHash = honest.OutputHash }));
    }
}
