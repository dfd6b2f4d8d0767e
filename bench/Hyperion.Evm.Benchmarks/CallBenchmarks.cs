using System.Globalization;
using Hyperion.Core;
using Hyperion.Core.Chain;
using Hyperion.Core.Transactions;

namespace Hyperion.Evm.Benchmarks;

/// <summary>
/// The compute and Keccak loops: one transaction calling the contract with n iterations, on our EVM through the
/// <see cref="TransactionProcessor"/> (writes not applied, so every run sees the same state) and on Nethereum's
/// simulator. Both answers and the execution gas are checked against each other and the C# model before timing.
/// </summary>
internal static class CallBenchmarks
{
    public const double PeerGoal = 30;

    /// <summary>Iterations per call: enough that the transaction around the loop is ~2% of the gas.</summary>
    public const ulong Iterations = 10_000;

    public const ulong GasLimit = 30_000_000;

    public static void RunCompute(Harness harness, Summary summary) =>
        Run(harness, summary, "compute", "compute loop (MUL/ADD/MOD/EXP)", Contracts.Compute, Contracts.ComputeModel);

    public static void RunKeccak(Harness harness, Summary summary) =>
        Run(harness, summary, "keccak", "keccak loop (KECCAK256 of 64 B)", Contracts.Keccak, Contracts.KeccakModel);

    private static void Run(Harness harness, Summary summary, string name, string title, byte[] code, Func<ulong, byte[]> model)
    {
        var ours = new OurEvm();
        var world = OurEvm.WorldWith(code);
        var data = Contracts.Word(Iterations);
        var transaction = OurEvm.Call(OurEvm.CallerKey, 0, data, GasLimit);
        var executionGas = (long)(GasLimit - IntrinsicGas.Calculate(transaction, ForkRules.Cancun));

        var peer = new NethereumEvm();
        var node = new MemoryNode();
        node.SetAccount(NethereumEvm.ContractAddress, 1, 0, code);

        // Same answer everywhere before anything is timed.
        var expected = model(Iterations);
        var result = ours.Execute(transaction, world);
        Check(result.Succeeded, $"{name}: our EVM failed: {result}");
        Check(result.Output.AsSpan().SequenceEqual(expected), $"{name}: our EVM returned {Hex.Encode(result.Output)}, the model {Hex.Encode(expected)}");
        var (peerOutput, peerGas, peerFailed) = peer.Call(node, code, data, executionGas);
        Check(!peerFailed, $"{name}: Nethereum failed");
        Check(peerOutput.AsSpan().SequenceEqual(expected), $"{name}: Nethereum returned {Hex.Encode(peerOutput)}, the model {Hex.Encode(expected)}");
        var ourExecutionGas = (long)(result.GasUsed - IntrinsicGas.Calculate(transaction, ForkRules.Cancun));
        Check(peerGas == ourExecutionGas, $"{name}: execution gas differs: ours {ourExecutionGas}, Nethereum {peerGas}");

        var opcodes = ours.CountOpcodes(transaction, world);
        var gas = (double)result.GasUsed;

        var (ourRate, peerRate) = harness.Compare(
            () => (long)ours.Execute(transaction, world).GasUsed,
            () => (long)peer.Call(node, code, data, executionGas).GasUsed);
        var ratio = ourRate / peerRate;

        Console.WriteLine($"{title}: n = {Iterations:N0}, {gas:N0} gas and {opcodes:N0} instructions a call; same output and execution gas on both");
        Console.WriteLine(Figures("  ours     ", ourRate, gas, opcodes));
        Console.WriteLine(Figures("  Nethereum", peerRate, gas, opcodes));
        Console.WriteLine($"  ratio {ratio:F1}x (goal >= {PeerGoal}x: {Summary.Verdict(ratio, PeerGoal)})");
        summary.Add(new SummaryRow(
            $"{name} vs Nethereum.EVM",
            $"{Mgas(ourRate, gas)} Mgas/s, {Mops(ourRate, opcodes)} Mop/s",
            $"{Mgas(peerRate, gas)} Mgas/s, {Mops(peerRate, opcodes)} Mop/s",
            $"{ratio:F1}x",
            $">= {PeerGoal}x",
            Summary.Verdict(ratio, PeerGoal)));
    }

    public static string Figures(string who, double callsPerSecond, double gas, long opcodes) =>
        $"{who} {callsPerSecond,10:N1} calls/s {Mgas(callsPerSecond, gas),9} Mgas/s {Mops(callsPerSecond, opcodes),9} M instructions/s";

    public static string Mgas(double runsPerSecond, double gas) => (runsPerSecond * gas / 1e6).ToString("N1", CultureInfo.InvariantCulture);

    public static string Mops(double runsPerSecond, double opcodes) => (runsPerSecond * opcodes / 1e6).ToString("N2", CultureInfo.InvariantCulture);

    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
