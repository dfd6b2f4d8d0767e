using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Evm.Precompiles;
using Hyperion.Grains.Inference;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Testing;

namespace Hyperion.Grains.Tests.Inference;

/// <summary>
/// examples/inference/InferenceConsumer.sol, compiled with solc-js, deployed and called in signed transactions through
/// the transaction processor with the inference precompile in its table (the gateway and block production are not in
/// this test): the stored output is plain ONNX Runtime's, the receipt has the contract's event and the pin, and the pin
/// verifies.
/// </summary>
[Collection(SharedInferenceClusterDefinition.Name)]
public sealed class SolidityExampleTests(SharedInferenceCluster shared)
{
    private static readonly PrivateKey Key = PrivateKey.Parse("0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8");

    [Fact]
    public async Task The_example_contract_calls_the_precompile_stores_and_emits_the_output_and_the_pin_verifies()
    {
        var compiled = Compile();
        var state = new InMemoryState().SetAccount(Key.Address, 0, UInt256.Parse("1000000000000000000000"));
        var precompile = new InferencePrecompile(new GrainInferenceBackend(shared.Grid.Client, new ModelManifestCache(shared.Grid.Client)));
        var processor = new TransactionProcessor(EvmSpecs.Cancun, precompile.Register(StandardPrecompiles.Cancun()));
        var block = new BlockContext { ChainId = 31337, Number = 1, Timestamp = 1_700_000_000, GasLimit = 30_000_000, BaseFee = 7 };

        var deploy = processor.Execute(Transaction(null, compiled, 0), block, state);
        Assert.True(deploy.Succeeded, deploy.ToString());
        state.Apply(deploy.WriteSet);
        var contract = deploy.ContractAddress!.Value;

        var input = SeededMlp.Input(1, 2024).Single().Data.ToArray();
        var manifest = InferenceCluster.TwoShardMlp.Manifest;
        var call = processor.Execute(Transaction(contract, Call("classify(bytes32,bytes)", manifest.ModelId, input), 1), block, state);
        Assert.True(call.Succeeded, call.ToString());
        state.Apply(call.WriteSet);

        using var pipeline = ModelPipeline.Open(InferenceCluster.TwoShardMlp, RuntimeProfile.Canonical);
        var expected = pipeline.Run(manifest.SingleInputFromBytes(input));
        var plain = expected.Outputs[0].Data.ToArray();
        Assert.True(InferencePrecompile.TryDecodeOutput(call.Output, out var returned));
        Assert.Equal(plain, returned);

        var stored = processor.Execute(Transaction(contract, Selector("lastOutput()"), 2), block, state);
        Assert.True(InferencePrecompile.TryDecodeOutput(stored.Output, out var storedOutput));
        Assert.Equal(plain, storedOutput);

        Assert.Equal(2, call.Logs.Count);
        var pinLog = Assert.Single(call.Logs, log => log.Address == InferencePrecompile.Address);
        var emitted = Assert.Single(call.Logs, log => log.Address == contract);
        Assert.Equal(Keccak256.Compute(Encoding.ASCII.GetBytes("Inferred(bytes32,address,bytes,bytes)")), emitted.Topics[0]);
        Assert.Equal(manifest.ModelId, emitted.Topics[1]);
        Assert.True(InferencePin.TryDecode(pinLog.Topics, pinLog.Data, out var pin));
        Assert.Equal(expected.Commitment, pin!.Commitment);

        var verdict = Assert.Single(await shared.Grid.Router.VerifyPinsAsync([.. call.Logs.Select(PinVerificationTests.ToReceiptLog)]));
        Assert.True(verdict.Matches, verdict.Problem);
    }

    [Fact]
    public void An_unknown_model_makes_the_contract_revert()
    {
        var compiled = Compile();
        var state = new InMemoryState().SetAccount(Key.Address, 0, UInt256.Parse("1000000000000000000000"));
        var precompile = new InferencePrecompile(new GrainInferenceBackend(shared.Grid.Client, new ModelManifestCache(shared.Grid.Client)));
        var processor = new TransactionProcessor(EvmSpecs.Cancun, precompile.Register(StandardPrecompiles.Cancun()));
        var block = new BlockContext { ChainId = 31337, Number = 1, Timestamp = 1_700_000_000, GasLimit = 30_000_000, BaseFee = 7 };
        var deploy = processor.Execute(Transaction(null, compiled, 0), block, state);
        state.Apply(deploy.WriteSet);

        var call = processor.Execute(Transaction(deploy.ContractAddress, Call("classify(bytes32,bytes)", Hash256.FromUInt256(9), new byte[64]), 1), block, state);

        Assert.False(call.Succeeded);
        Assert.Empty(call.Logs);
    }

    private static Transaction Transaction(Address? to, byte[] data, ulong nonce) =>
        new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = 31337,
            Nonce = nonce,
            MaxFeePerGas = 100,
            MaxPriorityFeePerGas = 2,
            GasLimit = 5_000_000,
            To = to,
            Data = data,
            AccessList = [],
        }.Sign(Key);

    private static byte[] Selector(string signature) => Keccak256.Compute(Encoding.ASCII.GetBytes(signature)).Bytes[..4].ToArray();

    /// <summary>A call with the same (bytes32, bytes) arguments as the precompile's, under another selector.</summary>
    private static byte[] Call(string signature, Hash256 modelId, byte[] input) =>
        [.. Selector(signature), .. InferencePrecompile.EncodeCall(modelId, input).AsSpan(4)];

    /// <summary>Runs examples/inference/compile.js (solc-js) and returns the creation bytecode.</summary>
    private static byte[] Compile()
    {
        var root = RepositoryRoot();
        var start = new ProcessStartInfo("node", Path.Combine(root, "examples", "inference", "compile.js"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEnd();
        node.WaitForExit();
        Assert.True(node.ExitCode == 0, $"solc-js failed: {stderr}");
        using var json = JsonDocument.Parse(stdout.Result);
        return Hex.Decode(json.RootElement.GetProperty("bytecode").GetString());
    }

    private static string RepositoryRoot([CallerFilePath] string sourceFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", ".."));
}
