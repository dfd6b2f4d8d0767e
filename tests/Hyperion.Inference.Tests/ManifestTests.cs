using System.Text;
using Hyperion.Core.Crypto;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Sharding;
using Hyperion.Inference.Tensors;

namespace Hyperion.Inference.Tests;

public sealed class ManifestTests
{
    private static readonly byte[] Mlp = SeededMlp.Build();

    [Fact]
    public void The_model_id_is_the_keccak_of_the_shard_hashes_in_order()
    {
        var packaged = ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(["hidden1", "hidden2"]));
        var manifest = packaged.Manifest;

        var concatenated = new List<byte>();
        for (var shard = 0; shard < 3; shard++)
        {
            var hash = Keccak256.Compute(packaged.ShardBytes[shard].Span);
            Assert.Equal(hash, manifest.Shards[shard].ContentHash);
            Assert.Equal(packaged.ShardBytes[shard].Length, manifest.Shards[shard].ByteLength);
            concatenated.AddRange(hash.Bytes.ToArray());
        }

        Assert.Equal(Keccak256.Compute([.. concatenated]), manifest.ModelId);
    }

    [Fact]
    public void An_unsharded_model_keeps_its_bytes_and_declares_its_signature()
    {
        var manifest = ModelPackager.Package("mlp", Mlp, []).Manifest;
        var packaged = ModelPackager.Package("mlp", Mlp, []);

        Assert.Equal(Mlp, packaged.ShardBytes[0].ToArray());
        Assert.Equal(Keccak256.Compute(Keccak256.Compute(Mlp).Bytes), manifest.ModelId);
        var input = Assert.Single(manifest.Inputs);
        Assert.Equal(new TensorSignature("input", TensorDataType.Float32, [TensorDimension.Free("N"), TensorDimension.Fixed(16)]), input);
        Assert.Equal("output: float32[N,4]", Assert.Single(manifest.Outputs).ToString());
        Assert.Equal(SeededMlp.ParameterCount, manifest.ParameterCount);
        Assert.Equal(RuntimeProfile.Canonical, manifest.Profile);
        Assert.Empty(manifest.Cuts);
    }

    [Fact]
    public void Packaging_is_deterministic_and_the_cuts_are_part_of_the_id()
    {
        var first = ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(["hidden1"])).Manifest;
        var again = ModelPackager.Package("mlp", SeededMlp.Build(), CutPoint.AtEach(["hidden1"])).Manifest;
        var elsewhere = ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(["hidden2"])).Manifest;
        var renamed = ModelPackager.Package("another name", Mlp, CutPoint.AtEach(["hidden1"])).Manifest;

        Assert.Equal(first.ModelId, again.ModelId);
        Assert.Equal(first.ComputeManifestHash(), again.ComputeManifestHash());
        Assert.NotEqual(first.ModelId, elsewhere.ModelId);
        Assert.Equal(first.ModelId, renamed.ModelId);
        Assert.NotEqual(first.ComputeManifestHash(), renamed.ComputeManifestHash());
        Assert.NotEqual(first.ModelId, ModelPackager.Package("mlp", SeededMlp.Build(seed: 7), CutPoint.AtEach(["hidden1"])).Manifest.ModelId);
    }

    [Fact]
    public void The_canonical_json_round_trips_and_is_what_the_manifest_hash_covers()
    {
        var manifest = ModelPackager.Package("mlp", Mlp, [CutPoint.Of("hidden1"), CutPoint.Of("hidden2")]).Manifest;
        var json = manifest.ToCanonicalJson();
        var read = ModelManifest.FromCanonicalJson(json);

        Assert.Equal(manifest, read);
        Assert.Equal(manifest.ModelId, read.ModelId);
        Assert.Equal(Keccak256.Compute(json), manifest.ComputeManifestHash());
        var text = Encoding.UTF8.GetString(json);
        Assert.StartsWith("{\"format\":1,\"name\":\"mlp\",\"modelId\":\"" + manifest.ModelId + "\",\"inputs\":[{\"name\":\"input\",\"type\":\"float32\",\"shape\":[\"N\",16]}]", text, StringComparison.Ordinal);
        Assert.Contains("\"cuts\":[[\"hidden1\"],[\"hidden2\"]]", text, StringComparison.Ordinal);
        Assert.EndsWith(
            "\"profile\":{\"onnxRuntime\":\"1.31.1\",\"provider\":\"cpu\",\"intraOpThreads\":1,\"interOpThreads\":1,\"executionMode\":\"sequential\"," +
            "\"graphOptimization\":\"disabled\",\"deterministicCompute\":true,\"denormalsAsZero\":false},\"gas\":{\"base\":3000,\"perInputByte\":17,\"model\":4}}",
            text,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"name\":\"mlp\"", "\"name\": \"mlp\"", "canonical form")]
    [InlineData("\"intraOpThreads\":1", "\"intraOpThreads\":1,\"extra\":0", "canonical form")]
    [InlineData("\"perInputByte\":17", "\"perInputByte\":1", "gas schedule")]
    [InlineData("\"index\":1", "\"index\":2", "shard at position 1 says it is shard 2")]
    [InlineData("\"format\":1", "\"format\":2", "format 2")]
    [InlineData("\"type\":\"float32\"", "\"type\":\"float33\"", "float33")]
    [InlineData("{\"format\"", "[{\"format\"", "malformed")]
    public void Tampered_or_non_canonical_manifests_are_refused(string original, string replacement, string expectedMessage)
    {
        var manifest = ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(["hidden1"])).Manifest;
        var text = Encoding.UTF8.GetString(manifest.ToCanonicalJson());
        Assert.Contains(original, text, StringComparison.Ordinal);
        var tampered = Encoding.UTF8.GetBytes(ReplaceFirst(text, original, replacement));

        var error = Assert.Throws<ModelIntegrityException>(() => ModelManifest.FromCanonicalJson(tampered));
        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_shard_hash_no_longer_matches_the_model_id()
    {
        var manifest = ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(["hidden1"])).Manifest;
        var text = Encoding.UTF8.GetString(manifest.ToCanonicalJson());
        var original = manifest.Shards[1].ContentHash.ToString();
        var tampered = text.Replace(original, Keccak256.Compute([1, 2, 3]).ToString(), StringComparison.Ordinal);

        var error = Assert.Throws<ModelIntegrityException>(() => ModelManifest.FromCanonicalJson(Encoding.UTF8.GetBytes(tampered)));
        Assert.Contains("modelId that is not the hash of its shards", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_load_rehashes_the_bytes_and_refuses_a_mismatch()
    {
        var packaged = ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(["hidden1"]));
        var manifest = packaged.Manifest;
        var flipped = packaged.ShardBytes[1].ToArray();
        flipped[flipped.Length / 2] ^= 0x01;

        var error = Assert.Throws<ModelIntegrityException>(() => ShardSession.Open(manifest.Shards[1], flipped, TestProfiles.CanonicalSettings));
        Assert.Contains($"shard 1: the ONNX bytes hash to {Keccak256.Compute(flipped)}, but the manifest pins {manifest.Shards[1].ContentHash}", error.Message, StringComparison.Ordinal);

        var truncated = packaged.ShardBytes[0][..^1];
        Assert.Contains("expected", Assert.Throws<ModelIntegrityException>(() => ShardSession.Open(manifest.Shards[0], truncated, TestProfiles.CanonicalSettings)).Message, StringComparison.Ordinal);

        var swapped = Assert.Throws<ModelIntegrityException>(() => ModelPipeline.Open(manifest, [packaged.ShardBytes[1], packaged.ShardBytes[0]], TestProfiles.CanonicalSettings));
        Assert.Contains("shard 0", swapped.Message, StringComparison.Ordinal);

        Assert.Throws<ModelIntegrityException>(() => ModelPipeline.Open(manifest, [packaged.ShardBytes[0]], TestProfiles.CanonicalSettings));
    }

    [Fact]
    public void A_manifest_whose_parts_disagree_is_refused_before_anything_loads()
    {
        var packaged = ModelPackager.Package("mlp", Mlp, CutPoint.AtEach(["hidden1"]));
        var manifest = packaged.Manifest;

        Assert.Throws<ModelIntegrityException>(() => (manifest with { Cuts = [] }).Validate());
        Assert.Throws<ModelIntegrityException>(() => (manifest with { Cuts = [CutPoint.Of("hidden2")] }).Validate());
        Assert.Throws<ModelIntegrityException>(() => (manifest with { Shards = [manifest.Shards[1], manifest.Shards[0]] }).Validate());
        Assert.Throws<ModelIntegrityException>(() => (manifest with { Outputs = manifest.Inputs }).Validate());
        Assert.Throws<ModelIntegrityException>(() => ModelPipeline.Open(manifest with { Gas = manifest.Gas with { ModelGas = 0 } }, packaged.ShardBytes, TestProfiles.CanonicalSettings));
    }

    [Fact]
    public void Bytes_that_are_not_an_onnx_model_are_refused()
    {
        Assert.Throws<ModelIntegrityException>(() => ModelPackager.Package("junk", Encoding.UTF8.GetBytes("not a model at all"), []));
        Assert.Throws<ModelIntegrityException>(() => ModelPackager.Package("empty", Array.Empty<byte>(), []));
    }

    private static string ReplaceFirst(string text, string original, string replacement)
    {
        var at = text.IndexOf(original, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + original.Length));
    }
}
