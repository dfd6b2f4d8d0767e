using Hyperion.Evm;
using Hyperion.Evm.Precompiles;
using Hyperion.Grains.Execution;
using Hyperion.Grains.Inference;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Tensors;
using Hyperion.Inference.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hyperion.Grains.Tests.Inference;

/// <summary>
/// The precompile at 0x…0a11 run by the interpreter against the grid: gas from the manifest, clean failures (unknown
/// model, wrong length, bad calldata, out of gas), the output and its pin log, and the re-execution cache.
/// </summary>
[Collection(SharedInferenceClusterDefinition.Name)]
public sealed class PrecompileTests(SharedInferenceCluster shared)
{
    private static readonly Address Caller = Address.Parse("0x1000000000000000000000000000000000000001");

    private static ModelManifest Manifest => InferenceCluster.TwoShardMlp.Manifest;

    [Fact]
    public void Gas_is_the_manifests_charge_for_the_input_bytes()
    {
        var precompile = NewPrecompile();
        var input = InputBytes(rows: 2);

        Assert.Equal((long)Manifest.GasFor(input.Length), precompile.GasCost(InferencePrecompile.EncodeCall(Manifest.ModelId, input)));
        Assert.Equal((long)GasSchedule.CallBaseGas, precompile.GasCost(InferencePrecompile.EncodeCall(Hash256.FromUInt256(42), input)));
        Assert.Equal((long)GasSchedule.CallBaseGas, precompile.GasCost([1, 2, 3]));
    }

    [Fact]
    public void A_call_returns_the_canonical_output_and_pins_it_in_a_log()
    {
        var input = InputBytes(rows: 2);
        var expected = Canonical(input);

        var (result, journal) = Call(NewPrecompile(), InferencePrecompile.EncodeCall(Manifest.ModelId, input), gas: 1_000_000);

        Assert.True(result.IsSuccess);
        Assert.True(InferencePrecompile.TryDecodeOutput(result.Output, out var output));
        Assert.Equal(expected.Outputs[0].Data.ToArray(), output);
        Assert.Equal(1_000_000 - (long)Manifest.GasFor(input.Length), result.GasLeft);
        var log = Assert.Single(journal.Logs);
        Assert.Equal(InferencePrecompile.Address, log.Address);
        Assert.True(InferencePin.TryDecode(log.Topics, log.Data, out var pin));
        Assert.Equal(expected.Commitment, pin!.Commitment);
        Assert.Equal(input, pin.Input);
    }

    [Fact]
    public void An_unknown_model_a_wrong_length_or_bad_calldata_fails_cleanly_without_a_pin()
    {
        var precompile = NewPrecompile();
        var input = InputBytes(rows: 1);
        byte[][] calls =
        [
            InferencePrecompile.EncodeCall(Hash256.FromUInt256(42), input),
            InferencePrecompile.EncodeCall(Manifest.ModelId, input.AsSpan(0, input.Length - 4)),
            InferencePrecompile.EncodeCall(Manifest.ModelId, [])[..70],
            [.. InferencePrecompile.EncodeCall(Manifest.ModelId, input).Select((value, index) => index == 0 ? (byte)(value ^ 1) : value)],
        ];

        foreach (var call in calls)
        {
            var (result, journal) = Call(precompile, call, gas: 1_000_000);
            Assert.Equal(EvmStatus.PrecompileFailure, result.Status);
            Assert.Equal(0, result.GasLeft);
            Assert.Empty(journal.Logs);
        }
    }

    [Fact]
    public void Too_little_gas_fails_before_running()
    {
        var backend = new CountingBackend(Backend());
        var input = InputBytes(rows: 1);
        var gas = (long)Manifest.GasFor(input.Length) - 1;

        var (result, journal) = Call(new InferencePrecompile(backend), InferencePrecompile.EncodeCall(Manifest.ModelId, input), gas);

        Assert.Equal(EvmStatus.OutOfGas, result.Status);
        Assert.Empty(journal.Logs);
        Assert.Equal(0, backend.Runs);
    }

    [Fact]
    public void A_re_execution_reuses_the_result_and_pins_again()
    {
        var backend = new CountingBackend(Backend());
        var precompile = new InferencePrecompile(backend);
        var call = InferencePrecompile.EncodeCall(Manifest.ModelId, InputBytes(rows: 3));

        var (first, firstJournal) = Call(precompile, call, gas: 1_000_000);
        var (second, secondJournal) = Call(precompile, call, gas: 1_000_000);

        Assert.Equal(1, backend.Runs);
        Assert.Equal(first.Output, second.Output);
        Assert.Equal(Assert.Single(firstJournal.Logs).Data, Assert.Single(secondJournal.Logs).Data);
    }

    [Fact]
    public void The_silo_contributes_the_precompile_to_a_chains_table()
    {
        var services = shared.Grid.Cluster.GetSiloServiceProvider(shared.Grid.Cluster.Silos[0].SiloAddress);
        var table = StandardPrecompiles.Cancun();
        foreach (var contributor in services.GetServices<IPrecompileContributor>())
        {
            table = contributor.Contribute(table, chainId: 31337);
        }

        Assert.True(table.TryGet(InferencePrecompile.Address, out var precompile));
        Assert.IsType<InferencePrecompile>(precompile);
        Assert.True(table.Contains(StandardPrecompiles.EcRecoverAddress));
    }

    internal static (MessageResult Result, JournaledState Journal) Call(IPrecompile precompile, byte[] calldata, long gas)
    {
        var state = new InMemoryState().SetAccount(Caller, 0, UInt256.Parse("1000000000000000000"));
        var journal = new JournaledState();
        journal.Begin(state);
        var vm = new VirtualMachine(EvmSpecs.Cancun, StandardPrecompiles.Cancun().With(InferencePrecompile.Address, precompile), journal);
        vm.SetContext(new BlockContext { ChainId = 31337, Number = 1, GasLimit = 30_000_000 }, Caller, 1, []);
        return (vm.Execute(new Message(FrameKind.Call, Caller, InferencePrecompile.Address, UInt256.Zero, calldata, gas)), journal);
    }

    private static byte[] InputBytes(int rows) => SeededMlp.Input(rows, (ulong)(100 + rows)).Single().Data.ToArray();

    private static PipelineResult Canonical(byte[] input)
    {
        using var pipeline = ModelPipeline.Open(InferenceCluster.TwoShardMlp, RuntimeProfile.Canonical);
        return pipeline.Run(Manifest.SingleInputFromBytes(input));
    }

    private GrainInferenceBackend Backend() => new(shared.Grid.Client, new ModelManifestCache(shared.Grid.Client));

    private InferencePrecompile NewPrecompile() => new(Backend());

    /// <summary>Counts the model runs that reach the grid.</summary>
    private sealed class CountingBackend(IInferenceBackend inner) : IInferenceBackend
    {
        private int _runs;

        public int Runs => _runs;

        public ModelManifest? FindModel(Hash256 modelId) => inner.FindModel(modelId);

        public (TensorSet Outputs, InferenceCommitment Commitment) Run(ModelManifest manifest, TensorSet inputs)
        {
            Interlocked.Increment(ref _runs);
            return inner.Run(manifest, inputs);
        }
    }
}
