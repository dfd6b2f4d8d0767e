namespace Hyperion.Execution;

/// <summary>Read-only lists as spans, for loops on hot paths that walk them by reference.</summary>
internal static class ListSpan
{
    /// <summary>
    /// The list's items as a span: the array itself when the list is one (the EVM builds its write sets as arrays, and
    /// their entries are structs of a hundred bytes, copied out one by one through the list's indexer otherwise), a copy
    /// when it is not.
    /// </summary>
    public static ReadOnlySpan<T> Of<T>(IReadOnlyList<T> list) => list is T[] array ? array : [.. list];
}
