using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Grains.Inference;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Testing;

namespace Hyperion.Grains.Tests.Inference;

/// <summary>Registration through the catalog, the registry's stored manifest and bytes, and a run through the grid.</summary>
[Collection(SharedInferenceClusterDefinition.Name)]
public sealed class ModelRegistryTests(SharedInferenceCluster shared)
{
    private InferenceCluster Grid => shared.Grid;

    [Fact]
    public async Task Registration_gives_the_packagers_model_id_and_the_registry_returns_the_same_manifest_and_bytes()
    {
        var packaged = InferenceCluster.TwoShardMlp;
        var model = shared.Model;

        Assert.Equal(packaged.Manifest.ModelId.ToString(), model.ModelId);
        Assert.Equal(2, model.ShardCount);
        Assert.Equal([["hidden1"]], model.Cuts);
        Assert.Equal(packaged.Manifest, ModelManifest.FromCanonicalJson(model.ManifestJson));
        var registry = Grid.Client.GetGrain<IModelRegistryGrain>(model.ModelId);
        for (var shard = 0; shard < 2; shard++)
        {
            Assert.Equal(packaged.ShardBytes[shard].ToArray(), await registry.GetShardBytesAsync(shard));
        }

        Assert.Contains(model.ModelId, await Grid.Client.GetGrain<IModelCatalogGrain>(0).ListAsync());
    }

    [Fact]
    public async Task Registering_the_same_model_again_returns_the_same_entry()
    {
        var again = await Grid.RegisterTwoShardMlpAsync();

        Assert.Equal(shared.Model.ModelId, again.ModelId);
        Assert.Single(await Grid.Client.GetGrain<IModelCatalogGrain>(0).ListAsync(), id => id == again.ModelId);
    }

    [Fact]
    public async Task An_unknown_model_or_a_bad_cut_is_refused()
    {
        Assert.Null(await Grid.Client.GetGrain<IModelRegistryGrain>("0x" + new string('1', 64)).GetAsync());
        await Assert.ThrowsAsync<InferenceRequestException>(() =>
            Grid.Client.GetGrain<IModelCatalogGrain>(0).RegisterAsync("bad-cut", SeededMlp.Build(), ["no_such_tensor"]));
        await Assert.ThrowsAsync<InferenceRequestException>(() =>
            Grid.Router.InferAsync("0x" + new string('2', 64), [], canonical: true));
    }

    [Fact]
    public async Task A_registry_refuses_bytes_that_are_not_the_manifests()
    {
        var packaged = InferenceCluster.TwoShardMlp;
        var other = "0x" + new string('3', 64);
        var wrongKey = Grid.Client.GetGrain<IModelRegistryGrain>(other);

        await Assert.ThrowsAsync<InferenceRequestException>(() =>
            wrongKey.StoreAsync(packaged.Manifest.ToCanonicalJson(), [.. packaged.ShardBytes.Select(bytes => bytes.ToArray())]));
        Assert.Null(await wrongKey.GetAsync());
    }

    [Fact]
    public async Task The_grid_computes_the_same_bits_and_pins_as_the_model_run_in_one_process()
    {
        using var pipeline = ModelPipeline.Open(InferenceCluster.TwoShardMlp, RuntimeProfile.Canonical);
        var input = SeededMlp.Input(rows: 3, seed: 7);
        var expected = pipeline.Run(input);

        var result = await Grid.Router.InferAsync(shared.Model.ModelId, input.ToPayloads(), canonical: true);

        Assert.True(result.IsCanonical);
        Assert.Equal(expected.Outputs, result.Outputs.ToTensorSet());
        Assert.Equal(expected.Commitment.InputHash.ToString(), result.InputHash);
        Assert.Equal(expected.Commitment.BoundaryHashes.Select(hash => hash.ToString()), result.BoundaryHashes);
        Assert.Equal(expected.Commitment.OutputHash.ToString(), result.OutputHash);
        Assert.Equal(2, result.Shards.Length);
    }

    [Fact]
    public async Task Numeric_inputs_are_converted_to_the_models_types()
    {
        using var pipeline = ModelPipeline.Open(InferenceCluster.TwoShardMlp, RuntimeProfile.Canonical);
        var input = SeededMlp.Input(rows: 1, seed: 11);
        var values = input[0].ToSingles().Select(value => (double)value).ToArray();

        var result = await Grid.Router.InferValuesAsync(shared.Model.ModelId, [new NumericTensor("input", [1, SeededMlp.InputWidth], values)]);

        var expected = pipeline.Run(input).Outputs[0].ToSingles().Select(value => (double)value);
        Assert.Equal(expected, result.Outputs[0].ToNumbers());
        await Assert.ThrowsAsync<InferenceRequestException>(() =>
            Grid.Router.InferValuesAsync(shared.Model.ModelId, [new NumericTensor("input", [1, SeededMlp.InputWidth + 1], [.. values, 0])]));
    }

    [Fact]
    public async Task The_listing_names_each_shard_replica_and_its_silo()
    {
        var listing = Assert.Single(await Grid.Router.ListModelsAsync(), entry => entry.Model.ModelId == shared.Model.ModelId);

        Assert.Equal(4, listing.Shards.Length);
        Assert.All(listing.Shards, status => Assert.Contains(Grid.Cluster.Silos, silo => silo.SiloAddress.ToString() == status.Silo));
    }
}
