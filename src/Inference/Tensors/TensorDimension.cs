namespace Hyperion.Inference.Tensors;

/// <summary>
/// One dimension of a declared tensor shape: a fixed size, or a free dimension (ONNX <c>dim_param</c>) that each
/// request chooses, such as the batch size. A free dimension may be unnamed (<see cref="Symbol"/> empty).
/// </summary>
public readonly record struct TensorDimension
{
    private TensorDimension(long? size, string symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or null for a free dimension.</summary>
    public long? Size { get; }

    /// <summary>The free dimension's name ("N", "batch"), empty when unnamed or fixed.</summary>
    public string Symbol { get; }

    public bool IsFree => Size is null;

    public static TensorDimension Fixed(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return new TensorDimension(size, string.Empty);
    }

    public static TensorDimension Free(string symbol = "")
    {
        ArgumentNullException.ThrowIfNull(symbol);
        return new TensorDimension(null, symbol);
    }

    public bool Accepts(long size) => size >= 0 && (Size is null || Size == size);

    public override string ToString() => Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? (Symbol.Length == 0 ? "?" : Symbol);
}
