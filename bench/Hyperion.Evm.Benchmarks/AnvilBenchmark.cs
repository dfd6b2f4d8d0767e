using System.Globalization;
using Hyperion.Core;

namespace Hyperion.Evm.Benchmarks;

/// <summary>
/// The compute loop against revm inside anvil: the runtime code is installed with anvil_setCode and called with
/// eth_call (30M gas, mainnet's block limit) repeatedly; the median call time is reported as measured (including
/// JSON-RPC over loopback) and, as the fairer figure, minus the median of an eth_call to a contract that stops at
/// once. Our EVM runs the same call (same code, calldata and gas limit) through the transaction processor.
/// </summary>
internal static class AnvilBenchmark
{
    /// <summary>Iterations per call: ~13M gas, so that a call takes milliseconds and JSON-RPC is small beside it.</summary>
    public const ulong Iterations = 100_000;

    /// <summary>Within 2x of revm: our time at most twice anvil's, i.e. at least half its speed.</summary>
    public const double Goal = 0.5;

    private const ulong GasLimit = 30_000_000;
    private static readonly Address StopAddress = Address.Parse("0x1000000000000000000000000000000000000002");

    public static async Task RunAsync(Harness harness, Summary summary, Action<AnvilNode?> register)
    {
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(register);
        var binary = AnvilNode.Find();
        if (binary is null)
        {
            Console.WriteLine($"anvil: not installed ({AnvilNode.RelativePath} not found above {Environment.CurrentDirectory}). "
                + "Install it with `npm ci` at the repository root (package.json pins @foundry-rs/anvil-linux-amd64 1.7.1). "
                + "Skipping only the anvil comparison.");
            summary.Add(new SummaryRow("compute vs revm (anvil eth_call)", "-", "skipped: anvil not installed (npm ci)", "-", "within 2x", "skipped"));
            return;
        }

        using var node = await AnvilNode.StartAsync(binary, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        register(node);
        try
        {
            await Compare(harness, summary, node).ConfigureAwait(false);
        }
        finally
        {
            register(null);
        }
    }

    private static async Task Compare(Harness harness, Summary summary, AnvilNode node)
    {
        var version = (await node.RequestAsync("web3_clientVersion", "[]").ConfigureAwait(false)).GetString();
        Console.WriteLine($"anvil: pid {node.ProcessId} at {node.Url} ({version}), hardfork cancun");
        var contract = OurEvm.ContractAddress.ToLowerHex();
        await node.RequestAsync("anvil_setCode", $"""["{contract}","{Hex.Encode(Contracts.Compute)}"]""").ConfigureAwait(false);
        await node.RequestAsync("anvil_setCode", $"""["{StopAddress.ToLowerHex()}","{Hex.Encode(Contracts.Stop)}"]""").ConfigureAwait(false);

        var data = Contracts.Word(Iterations);
        var from = OurEvm.CallerKey.Address.ToLowerHex();
        var gas = "0x" + GasLimit.ToString("x", CultureInfo.InvariantCulture);
        var call = $$"""[{"from":"{{from}}","to":"{{contract}}","gas":"{{gas}}","data":"{{Hex.Encode(data)}}"},"latest"]""";
        var empty = $$"""[{"from":"{{from}}","to":"{{StopAddress.ToLowerHex()}}","gas":"{{gas}}","data":"0x"},"latest"]""";

        var ours = new OurEvm();
        var world = OurEvm.WorldWith(Contracts.Compute);
        var transaction = OurEvm.Call(OurEvm.CallerKey, 0, data, GasLimit);

        // The same answer from revm, from us and from the model before timing.
        var expected = Contracts.ComputeModel(Iterations);
        var anvilOutput = Hex.Decode((await node.RequestAsync("eth_call", call).ConfigureAwait(false)).GetString());
        CallBenchmarks.Check(anvilOutput.AsSpan().SequenceEqual(expected), $"anvil returned {Hex.Encode(anvilOutput)}, the model {Hex.Encode(expected)}");
        var result = ours.Execute(transaction, world);
        CallBenchmarks.Check(result.Succeeded && result.Output.AsSpan().SequenceEqual(expected), $"our EVM: {result}, output {Hex.Encode(result.Output)}");
        var estimate = (await node.RequestAsync("eth_estimateGas", call[..call.LastIndexOf(',')] + "]").ConfigureAwait(false)).GetString();

        // One anvil call, one empty anvil call and one of ours in turn, so that all three see the same load.
        var medians = harness.MedianCallTimes(
            5,
            () => node.RequestAsync("eth_call", call).GetAwaiter().GetResult().GetString()!.Length,
            () => node.RequestAsync("eth_call", empty).GetAwaiter().GetResult().GetString()!.Length,
            () => (long)ours.Execute(transaction, world).GasUsed);
        var (anvilCall, anvilEmpty, ourCall) = (medians[0], medians[1], medians[2]);
        var anvilNet = anvilCall - anvilEmpty;
        var rawRatio = anvilCall / ourCall;
        var netRatio = anvilNet / ourCall;
        var gasUsed = (double)result.GasUsed;

        Console.WriteLine($"compute loop vs revm (anvil eth_call): n = {Iterations:N0}, {gasUsed:N0} gas a call (anvil's eth_estimateGas: {Convert.ToUInt64(estimate, 16):N0}); same output");
        Console.WriteLine($"  anvil eth_call, as measured     {Ms(anvilCall),9} ms a call ({Mgas(gasUsed, anvilCall)} Mgas/s)");
        Console.WriteLine($"  anvil empty eth_call            {Ms(anvilEmpty),9} ms a call (JSON-RPC and call set-up)");
        Console.WriteLine($"  anvil eth_call minus the empty  {Ms(anvilNet),9} ms a call ({Mgas(gasUsed, anvilNet)} Mgas/s)");
        Console.WriteLine($"  ours, same call                 {Ms(ourCall),9} ms a call ({Mgas(gasUsed, ourCall)} Mgas/s)");
        Console.WriteLine($"  our speed / revm's: {rawRatio:F2}x against the measured call, {netRatio:F2}x against the net one (goal: within 2x, >= {Goal}x: {Summary.Verdict(netRatio, Goal)})");
        summary.Add(new SummaryRow(
            "compute vs revm (anvil eth_call)",
            $"{Ms(ourCall)} ms/call, {Mgas(gasUsed, ourCall)} Mgas/s",
            $"{Ms(anvilNet)} ms/call net ({Ms(anvilCall)} with RPC), {Mgas(gasUsed, anvilNet)} Mgas/s",
            $"{netRatio:F2}x ({rawRatio:F2}x with RPC)",
            "within 2x (>= 0.5x)",
            Summary.Verdict(netRatio, Goal)));
    }

    private static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("N3", CultureInfo.InvariantCulture);

    private static string Mgas(double gas, TimeSpan time) => (gas / time.TotalSeconds / 1e6).ToString("N1", CultureInfo.InvariantCulture);
}
