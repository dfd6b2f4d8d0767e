using Hyperion.Core;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// The priority fee to suggest (<c>eth_maxPriorityFeePerGas</c>, and the tip in <c>eth_gasPrice</c>), as geth's gas
/// price oracle does it: the 60th percentile of the tips paid in the last 20 blocks that had transactions, tips
/// under 2 wei ignored, capped at 500 gwei, and 1 gwei when no block had any.
/// </summary>
internal static class TipSuggestion
{
    public const int Blocks = 20;

    public const double Percentile = 60;

    /// <summary>geth's starting suggestion before it has seen a transaction; also what anvil and hardhat suggest.</summary>
    public static readonly UInt256 Default = new(1_000_000_000UL);

    /// <summary>geth's <c>--gpo.maxprice</c> default.</summary>
    public static readonly UInt256 Maximum = new(500_000_000_000UL);

    // geth's --gpo.ignoreprice: tips below this are dust, not a signal.
    private static readonly UInt256 Ignored = new(2UL);

    /// <summary>The suggestion from a fee history of the last <see cref="Blocks"/> blocks at <see cref="Percentile"/>.</summary>
    public static UInt256 FromHistory(FeeHistoryRecord history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var tips = new List<UInt256>(history.Reward.Length);
        for (var i = 0; i < history.Reward.Length; i++)
        {
            // An empty block reports a zero reward that nobody paid.
            var hadTransactions = i < history.GasUsedRatio.Length && history.GasUsedRatio[i] > 0;
            if (hadTransactions && history.Reward[i].Length > 0 && history.Reward[i][0] >= Ignored)
            {
                tips.Add(history.Reward[i][0]);
            }
        }

        if (tips.Count == 0)
        {
            return Default;
        }

        tips.Sort();
        var tip = tips[(tips.Count - 1) * (int)Percentile / 100];
        return tip > Maximum ? Maximum : tip;
    }
}
