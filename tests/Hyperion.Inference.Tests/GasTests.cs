using Hyperion.Inference.Manifests;
using Hyperion.Inference.Sharding;
using Hyperion.Inference.Tensors;

namespace Hyperion.Inference.Tests;

public sealed class GasTests
{
    [Fact]
    public void Gas_is_derived_from_the_parameter_count_and_the_input_bytes_per_entry()
    {
        var manifest = ModelPackager.Package("mlp", SeededMlp.Build(), []).Manifest;

        // P = 1,732 parameters, B = 16 float32 = 64 bytes per entry.
        Assert.Equal(3_000UL, manifest.Gas.BaseGas);
        Assert.Equal(4UL, manifest.Gas.ModelGas); // ⌈2 × 1732 / 1000⌉
        Assert.Equal(17UL, manifest.Gas.GasPerInputByte); // 16 + ⌈3464 / 64000⌉
        Assert.Equal(64, manifest.InputBytesPerEntry);
        Assert.Equal(3_000UL + (17 * 64 * 3) + 4, manifest.GasFor(64 * 3));
    }

    [Fact]
    public void Sharding_charges_for_every_shard_that_reads_the_weights()
    {
        var whole = ModelPackager.Package("mlp", SeededMlp.Build(), []).Manifest;
        var sharded = ModelPackager.Package("mlp", SeededMlp.Build(), CutPoint.AtEach(["hidden1", "hidden2"])).Manifest;

        Assert.Equal(whole.ParameterCount, sharded.ParameterCount);
        Assert.Equal([544L, 1056, 132], sharded.Shards.Select(shard => shard.ParameterCount));
        Assert.Equal(whole.Gas, sharded.Gas);
    }

    [Fact]
    public void A_large_model_pays_per_entry_for_its_compute()
    {
        // ResNet18-sized: 11.7M parameters, one 3×224×224 float32 image per entry.
        var schedule = GasSchedule.Derive(11_700_000, 3 * 224 * 224 * 4);
        Assert.Equal(23_400UL, schedule.ModelGas);
        Assert.Equal(16UL + 1, schedule.GasPerInputByte);
        Assert.Equal(ulong.MaxValue, schedule.Charge(long.MaxValue));
    }

    [Fact]
    public void The_free_dimension_is_taken_from_a_byte_length()
    {
        var input = ModelPackager.Package("mlp", SeededMlp.Build(), []).Manifest.Inputs[0];

        Assert.Equal([3L, 16], input.DimensionsForByteLength(3 * 64));
        Assert.Equal([0L, 16], input.DimensionsForByteLength(0));
        Assert.Throws<InvalidInferenceInputException>(() => input.DimensionsForByteLength(65));
        var fixedOnly = new TensorSignature("x", TensorDataType.Float32, [TensorDimension.Fixed(2)]);
        Assert.Throws<InvalidInferenceInputException>(() => fixedOnly.DimensionsForByteLength(8));
    }

    [Fact]
    public void Bare_input_bytes_become_the_single_input_and_run_like_a_tensor()
    {
        var packaged = ModelPackager.Package("mlp", SeededMlp.Build(), []);
        var request = SeededMlp.Input(3, seed: 8);
        var fromBytes = packaged.Manifest.SingleInputFromBytes(request["input"].Data.Span);

        Assert.Equal(request, fromBytes);
        Assert.Equal(request.Hash, fromBytes.Hash);
        Assert.Throws<InvalidInferenceInputException>(() => packaged.Manifest.SingleInputFromBytes(new byte[63]));
    }
}
