namespace Hyperion.Core.Benchmarks;

internal static class Program
{
    public static int Main() => 0;
}
