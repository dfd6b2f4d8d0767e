using System.Globalization;

namespace Hyperion.Node.Benchmarks;

/// <summary>
/// A node started for one measurement, listening on 127.0.0.1 and a free port: the dev node (Hyperion.Silo.dll, built
/// beside this program through its project reference) or anvil. Disposing stops it and removes its data folder.
/// </summary>
internal sealed class NodeUnderTest : IDisposable
{
    /// <summary>Where `npm ci` at the repository root puts anvil (the root package.json pins version 1.7.1).</summary>
    public const string AnvilRelativePath = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

    /// <summary>A cold silo on a busy two-core machine takes tens of seconds (Orleans, JIT); anvil takes well under one.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The sequencer logs why it leaves a transaction out of a block at Debug level only, and that line is what explains a
    /// transfer that never commits (TransferLoad quotes it). It is written only for such transactions, so it costs nothing
    /// in a clean run; every other logging setting stays the node's default.
    /// </summary>
    private static readonly Dictionary<string, string> SequencerDebugLog = new()
    {
        ["Logging__LogLevel__Hyperion.Grains.Chain.SequencerGrain"] = "Debug",
    };

    private readonly string? _dataDirectory;

    private NodeUnderTest(string name, string description, ChildProcess process, Uri url, string? dataDirectory)
    {
        Name = name;
        Description = description;
        Process = process;
        Url = url;
        _dataDirectory = dataDirectory;
    }

    /// <summary>hyperion or anvil, as printed in the result line.</summary>
    public string Name { get; }

    /// <summary>How it was started, for the header of its result.</summary>
    public string Description { get; }

    public ChildProcess Process { get; }

    public Uri Url { get; }

    /// <summary>
    /// For anvil: how long it may make no block, while transfers it accepted are uncommitted, before the observer wakes
    /// its miner with evm_mine (see <see cref="BenchmarkOptions.AnvilKickMs"/>); null to never do so.
    /// </summary>
    public TimeSpan? StallKick { get; private set; }

    /// <summary>
    /// Starts the dev node with a fresh data folder, free ports, <paramref name="options"/>' block time and as many
    /// prefunded development accounts as there are senders, and waits until /health/ready answers 200 and eth_chainId
    /// gives our chain id.
    /// </summary>
    public static async Task<NodeUnderTest> StartHyperionAsync(BenchmarkOptions options)
    {
        var silo = Path.Combine(AppContext.BaseDirectory, "Hyperion.Silo.dll");
        if (!File.Exists(silo))
        {
            throw new FileNotFoundException($"The dev node is not built beside the benchmark: {silo} is missing.", silo);
        }

        var ports = ChildProcess.FreePorts(3);
        var data = Directory.CreateTempSubdirectory("hyperion-node-bench-").FullName;
        string[] arguments =
        [
            "exec", silo,
            "--port", Text(ports[0]),
            "--data", data,
            "--silo-port", Text(ports[1]),
            "--gateway-port", Text(ports[2]),
            "--chain-id", Text(BenchmarkOptions.ChainId),
            "--block-time", Text(options.BlockTimeMs),
            "--dev-accounts", Text(options.Senders),
            "--gas-limit", Text(options.GasLimit),
        ];

        // The node reads HYPERION_*, ASPNETCORE_* and DOTNET_ENVIRONMENT; it must see only what is on its command line.
        ChildProcess process;
        try
        {
            process = ChildProcess.Start("hyperion", DotnetHost(), arguments, ["HYPERION", "ASPNETCORE_", "DOTNET_ENVIRONMENT"], SequencerDebugLog);
        }
        catch
        {
            Directory.Delete(data, recursive: true);
            throw;
        }

        var node = new NodeUnderTest(
            "hyperion",
            $"dev node pid {process.Id}, block time {options.BlockTimeMs} ms, {options.Senders} dev accounts, data {data}",
            process,
            new Uri($"http://127.0.0.1:{ports[0]}/"),
            data);
        return await WaitUntilReadyAsync(node, readinessPath: "health/ready").ConfigureAwait(false);
    }

    /// <summary>
    /// Starts anvil with our chain id and as many development accounts as there are senders (the same mnemonic and
    /// derivation, so the same addresses, 10,000 ETH each), automining (a block as soon as transactions arrive) unless
    /// --anvil-block-time asks for interval mining.
    /// </summary>
    public static async Task<NodeUnderTest> StartAnvilAsync(BenchmarkOptions options)
    {
        var binary = FindAnvil() ?? throw new FileNotFoundException(
            $"anvil is not installed: run `npm ci` at the repository root (it puts the binary at {AnvilRelativePath}).");
        var port = ChildProcess.FreePorts(1)[0];
        List<string> arguments =
        [
            "--host", "127.0.0.1",
            "--port", Text(port),
            "--accounts", Text(options.Senders),
            "--chain-id", Text(BenchmarkOptions.ChainId),
            "--gas-limit", Text(options.GasLimit),
            "--silent",
        ];
        var mining = "automine (its default: a block as soon as transactions arrive)";
        if (options.AnvilBlockTimeMs > 0)
        {
            var seconds = (options.AnvilBlockTimeMs / 1000.0).ToString(CultureInfo.InvariantCulture);
            arguments.AddRange(["--block-time", seconds]);
            mining = $"interval mining every {seconds} s (--block-time; no automine)";
        }

        // Only automine stalls; interval mining makes a block every interval, and evm_mine racing it could lose transfers.
        var kick = options.AnvilKickMs > 0 && options.AnvilBlockTimeMs == 0 ? TimeSpan.FromMilliseconds(options.AnvilKickMs) : (TimeSpan?)null;
        var process = ChildProcess.Start("anvil", binary, arguments);
        var node = new NodeUnderTest(
            "anvil",
            $"anvil pid {process.Id} ({binary}), {mining}, {options.Senders} dev accounts, "
                + (kick is { } after
                    ? $"woken with evm_mine when it makes no block for {after.TotalMilliseconds} ms with transfers it accepted uncommitted (its automine stalls under this load)"
                    : "never woken with evm_mine"),
            process,
            new Uri($"http://127.0.0.1:{port}/"),
            dataDirectory: null);
        node.StallKick = kick;
        return await WaitUntilReadyAsync(node, readinessPath: null).ConfigureAwait(false);
    }

    public void Dispose()
    {
        Process.Dispose();
        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"# could not remove {_dataDirectory}: {exception.Message}");
            }
        }
    }

    private static async Task<NodeUnderTest> WaitUntilReadyAsync(NodeUnderTest node, string? readinessPath)
    {
        try
        {
            using var client = new JsonRpcClient(node.Url, maxConnections: 1);
            await node.Process.WaitUntilReadyAsync(
                async cancellationToken =>
                {
                    if (readinessPath is not null && !await client.IsOkAsync(readinessPath, cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }

                    var chainId = JsonRpcClient.ParseQuantity(await client.CallAsync("eth_chainId", "[]", cancellationToken).ConfigureAwait(false));
                    return chainId == BenchmarkOptions.ChainId
                        ? true
                        : throw new InvalidOperationException($"{node.Name} reports chain id {chainId}, not {BenchmarkOptions.ChainId}.");
                },
                StartTimeout).ConfigureAwait(false);
            return node;
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    /// <summary>The binary under the current directory or one of its parents, then the same from this program's folder.</summary>
    private static string? FindAnvil()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, AnvilRelativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The dotnet host running this program (so the node runs on the same runtime), else dotnet on the PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        var processPath = Environment.ProcessPath;
        return processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet" ? processPath : "dotnet";
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
