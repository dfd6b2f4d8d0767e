namespace Hyperion.Evm.Benchmarks;

/// <summary>One line of the closing table.</summary>
internal sealed record SummaryRow(string Workload, string Ours, string Peer, string Ratio, string Goal, string Verdict);

/// <summary>Collects the figures of every suite and prints them as one table at the end.</summary>
internal sealed class Summary
{
    private readonly List<SummaryRow> _rows = [];

    public void Add(SummaryRow row) => _rows.Add(row);

    public static string Verdict(double ratio, double goal) => ratio >= goal ? "met" : "NOT met";

    public void Print()
    {
        if (_rows.Count == 0)
        {
            return;
        }

        string[] header = ["workload", "ours", "peer", "ratio", "goal", "verdict"];
        var cells = _rows.Select(r => new[] { r.Workload, r.Ours, r.Peer, r.Ratio, r.Goal, r.Verdict }).Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => cells.Max(c => c[i].Length)).ToArray();
        Console.WriteLine();
        Console.WriteLine("Summary");
        foreach (var (row, index) in cells.Select((c, i) => (c, i)))
        {
            Console.WriteLine("| " + string.Join(" | ", row.Select((cell, i) => cell.PadRight(widths[i]))) + " |");
            if (index == 0)
            {
                Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
            }
        }
    }
}
