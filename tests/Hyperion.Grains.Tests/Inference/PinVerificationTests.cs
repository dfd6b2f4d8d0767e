using Hyperion.Evm;
using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Grains.Inference;
using Hyperion.Inference.Testing;

namespace Hyperion.Grains.Tests.Inference;

/// <summary>
/// Verification of pins as a receipt holds them: a true pin matches the canonical re-run; a tampered boundary, output or
/// input is caught, naming the first shard that differs.
/// </summary>
[Collection(SharedInferenceClusterDefinition.Name)]
public sealed class PinVerificationTests(SharedInferenceCluster shared)
{
    [Fact]
    public async Task A_pin_from_the_precompile_verifies()
    {
        var log = PinnedLog();

        var verdict = Assert.Single(await shared.Grid.Router.VerifyPinsAsync([ToReceiptLog(log)]));

        Assert.True(verdict.Matches, verdict.Problem);
        Assert.Null(verdict.FirstDivergentShard);
        Assert.Equal(shared.Model.ModelId, verdict.ModelId);
        Assert.Equal(verdict.PinnedOutputHash, verdict.RecomputedOutputHash);
        Assert.Equal(verdict.PinnedBoundaryHashes, verdict.RecomputedBoundaryHashes);
    }

    [Fact]
    public async Task A_tampered_boundary_names_shard_0_and_a_tampered_output_names_shard_1()
    {
        var log = PinnedLog();
        Assert.True(InferencePin.TryDecode(log.Topics, log.Data, out var pin));
        var commitment = pin!.Commitment;
        var forgedBoundary = pin with { Commitment = commitment with { BoundaryHashes = [Hash256.FromUInt256(1)] } };
        var forgedOutput = pin with { Commitment = commitment with { OutputHash = Hash256.FromUInt256(2) } };

        var verdicts = await shared.Grid.Router.VerifyPinsAsync([ToReceiptLog(forgedBoundary), ToReceiptLog(forgedOutput)]);

        Assert.Equal(2, verdicts.Length);
        Assert.False(verdicts[0].Matches);
        Assert.Equal(0, verdicts[0].FirstDivergentShard);
        Assert.False(verdicts[1].Matches);
        Assert.Equal(1, verdicts[1].FirstDivergentShard);
    }

    [Fact]
    public async Task A_tampered_input_or_a_garbled_log_is_caught_and_other_logs_are_ignored()
    {
        var log = PinnedLog();
        Assert.True(InferencePin.TryDecode(log.Topics, log.Data, out var pin));
        var input = pin!.Input.ToArray();
        input[0] ^= 0x40;
        var forgedInput = pin with { Input = input };
        var garbled = ToReceiptLog(log) with { Data = log.Data[..40] };
        var unrelated = new ReceiptLog(Address.Parse("0x00000000000000000000000000000000000000ff").ToArray(), [InferencePin.EventTopic.ToArray()], []);

        var verdicts = await shared.Grid.Router.VerifyPinsAsync([unrelated, ToReceiptLog(forgedInput), garbled]);

        Assert.Equal(2, verdicts.Length);
        Assert.Equal(1, verdicts[0].LogIndex);
        Assert.False(verdicts[0].Matches);
        Assert.Contains("input", verdicts[0].Problem, StringComparison.Ordinal);
        Assert.Equal(2, verdicts[1].LogIndex);
        Assert.False(verdicts[1].Matches);
    }

    internal static ReceiptLog ToReceiptLog(LogEntry log) =>
        new(log.Address.ToArray(), [.. log.Topics.Select(topic => topic.ToArray())], log.Data);

    private static ReceiptLog ToReceiptLog(InferencePin pin) =>
        new(InferencePrecompile.Address.ToArray(), [.. pin.Topics.Select(topic => topic.ToArray())], pin.EncodeData());

    private LogEntry PinnedLog()
    {
        var precompile = new InferencePrecompile(new GrainInferenceBackend(shared.Grid.Client, new ModelManifestCache(shared.Grid.Client)));
        var input = SeededMlp.Input(2, 77).Single().Data.ToArray();
        var (result, journal) = PrecompileTests.Call(precompile, InferencePrecompile.EncodeCall(InferenceCluster.TwoShardMlp.Manifest.ModelId, input), 1_000_000);
        Assert.True(result.IsSuccess);
        return Assert.Single(journal.Logs);
    }
}
