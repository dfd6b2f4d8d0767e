using System.Globalization;

namespace Hyperion.Node.Benchmarks;

/// <summary>Which nodes to measure.</summary>
internal enum NodeSelection
{
    Both,
    Hyperion,
    Anvil,
}

/// <summary>
/// The command line: --txs, --senders, --concurrency, --block-time, --node, --repeat, --warmup, --anvil-block-time,
/// --anvil-kick-ms, --gas-limit. Every figure except the block times applies to both nodes alike, so that they see the same load.
/// </summary>
internal sealed record BenchmarkOptions
{
    public const string Usage =
        "Options: [--txs <n>] [--senders <k>] [--concurrency <c>] [--block-time <ms>] [--node both|hyperion|anvil] [--repeat <r>] [--warmup <per sender>] "
        + "[--anvil-block-time <ms>] [--anvil-kick-ms <ms>] [--gas-limit <gas>]";

    /// <summary>Our chain id; anvil is started with it too so that both nodes accept the same signed transactions.</summary>
    public const ulong ChainId = 133717;

    /// <summary>Measured transactions, spread evenly over the senders.</summary>
    public int Transactions { get; init; } = 4000;

    /// <summary>Development accounts that send (each node prefunds exactly this many).</summary>
    public int Senders { get; init; } = 64;

    /// <summary>
    /// The most eth_sendRawTransaction requests in flight at once, over all senders. A sender sends its next transfer once
    /// the node has answered the previous one (so that each node sees every sender's nonces in order, as from a wallet),
    /// so no more than --senders are in flight whatever this says.
    /// </summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>
    /// The block gas limit of both nodes (anvil's --gas-limit, the dev node's --gas-limit); both default to 30,000,000. It
    /// caps what either can commit: at 21,000 gas a transfer, 1,428 transfers a block, 5,714 a second at 250 ms blocks.
    /// </summary>
    public long GasLimit { get; init; } = 30_000_000;

    /// <summary>The dev node's block time.</summary>
    public int BlockTimeMs { get; init; } = 250;

    /// <summary>
    /// 0 (the default): anvil automines, its own default, a block as soon as transactions arrive. Otherwise anvil mines
    /// every this many milliseconds instead (<c>--block-time</c>), which compares like with like at the same block time.
    /// </summary>
    public int AnvilBlockTimeMs { get; init; }

    public NodeSelection Node { get; init; } = NodeSelection.Both;

    /// <summary>Runs per node, each on a fresh node, the nodes taking turns so that both see the machine's load drift alike.</summary>
    public int Repeat { get; init; } = 3;

    /// <summary>
    /// Under this load on a busy machine, anvil 1.7.1's automine often stops with hundreds of transactions ready in its
    /// pool (txpool_status "pending"; also with --mixed-mining, not with interval mining alone; much like
    /// foundry-rs/foundry#10122) and stays stopped until a request such as evm_mine wakes it. When an automining anvil has
    /// made no block for this long while transfers it accepted are uncommitted, the benchmark sends evm_mine (and counts
    /// it), so that the run can complete; those transfers' latency keeps the stall. This favours anvil (left alone it would
    /// not finish), which makes the ratio conservative; 0 turns it off. (Automining anvil also loses a few accepted
    /// transfers in some runs, which no wake-up brings back: those runs are reported incomplete and run again.)
    /// </summary>
    public int AnvilKickMs { get; init; } = 250;

    /// <summary>
    /// Transactions per sender sent and committed before the measurement, unmeasured: they bring both nodes past their
    /// first-request costs (JIT, connection set-up, first touch of each account) so that the figures are steady state.
    /// </summary>
    public int WarmupPerSender { get; init; } = 1;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with the usage on anything else.</summary>
    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            options = args[i] switch
            {
                "--txs" => options with { Transactions = Positive(args[i], value) },
                "--senders" => options with { Senders = Positive(args[i], value) },
                "--concurrency" => options with { Concurrency = Positive(args[i], value) },
                "--block-time" => options with { BlockTimeMs = Positive(args[i], value) },
                "--repeat" => options with { Repeat = Positive(args[i], value) },
                "--warmup" => options with { WarmupPerSender = NonNegative(args[i], value) },
                "--node" => options with
                {
                    Node = value switch
                    {
                        "both" => NodeSelection.Both,
                        "hyperion" => NodeSelection.Hyperion,
                        "anvil" => NodeSelection.Anvil,
                        _ => throw new ArgumentException($"--node takes both, hyperion or anvil, not '{value}'."),
                    },
                },
                "--anvil-block-time" => options with { AnvilBlockTimeMs = NonNegative(args[i], value) },
                "--gas-limit" => options with { GasLimit = Positive(args[i], value) },
                "--anvil-kick-ms" => options with { AnvilKickMs = NonNegative(args[i], value) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. {Usage}"),
            };
            i++;
        }

        if (options.Transactions < options.Senders)
        {
            // Every sender sends at least one measured transaction, so the load really comes from --senders accounts.
            throw new ArgumentException($"--txs ({options.Transactions}) must be at least --senders ({options.Senders}).");
        }

        return options;
    }

    private static int Positive(string name, string text)
    {
        var number = NonNegative(name, text);
        return number > 0 ? number : throw new ArgumentException($"{name} must be at least 1.");
    }

    private static int NonNegative(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ArgumentException($"{name} takes a whole number, not '{text}'.");
}
