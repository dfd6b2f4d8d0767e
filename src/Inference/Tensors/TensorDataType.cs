using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Hyperion.Inference.Tensors;

/// <summary>
/// Element types a Hyperion tensor may hold. The numbers are ONNX's <c>TensorProto.DataType</c> codes, which the
/// ONNX specification fixes forever, so they can go into canonical encodings and hashes as they are.
/// </summary>
/// <remarks>Strings and complex numbers are left out: they have no fixed-width little-endian form to hash.</remarks>
public enum TensorDataType
{
    Float32 = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    Float16 = 10,
    Float64 = 11,
    UInt32 = 12,
    UInt64 = 13,
    BFloat16 = 16,
}

/// <summary>Sizes, names and ONNX Runtime equivalents of <see cref="TensorDataType"/>.</summary>
public static class TensorDataTypes
{
    /// <summary>Bytes per element; a bool takes one byte (0 or 1), as in ONNX Runtime's buffers.</summary>
    public static int SizeInBytes(this TensorDataType type) => type switch
    {
        TensorDataType.UInt8 or TensorDataType.Int8 or TensorDataType.Bool => 1,
        TensorDataType.UInt16 or TensorDataType.Int16 or TensorDataType.Float16 or TensorDataType.BFloat16 => 2,
        TensorDataType.Float32 or TensorDataType.Int32 or TensorDataType.UInt32 => 4,
        TensorDataType.Float64 or TensorDataType.Int64 or TensorDataType.UInt64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a supported tensor element type"),
    };

    /// <summary>The lower-case name used in manifests ("float32", "int64", ...).</summary>
    public static string CanonicalName(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 => "float32",
        TensorDataType.UInt8 => "uint8",
        TensorDataType.Int8 => "int8",
        TensorDataType.UInt16 => "uint16",
        TensorDataType.Int16 => "int16",
        TensorDataType.Int32 => "int32",
        TensorDataType.Int64 => "int64",
        TensorDataType.Bool => "bool",
        TensorDataType.Float16 => "float16",
        TensorDataType.Float64 => "float64",
        TensorDataType.UInt32 => "uint32",
        TensorDataType.UInt64 => "uint64",
        TensorDataType.BFloat16 => "bfloat16",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a supported tensor element type"),
    };

    public static bool TryParseCanonicalName(string name, out TensorDataType type)
    {
        foreach (var candidate in Enum.GetValues<TensorDataType>())
        {
            if (string.Equals(candidate.CanonicalName(), name, StringComparison.Ordinal))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }

    /// <summary>Whether <paramref name="onnxDataType"/> (an ONNX <c>TensorProto.DataType</c> code) is one Hyperion supports.</summary>
    public static bool IsSupported(int onnxDataType) =>
        Enum.IsDefined(typeof(TensorDataType), onnxDataType);

    internal static OrtElementType ToOrt(this TensorDataType type) => type switch
    {
        TensorDataType.Float32 => OrtElementType.Float,
        TensorDataType.UInt8 => OrtElementType.UInt8,
        TensorDataType.Int8 => OrtElementType.Int8,
        TensorDataType.UInt16 => OrtElementType.UInt16,
        TensorDataType.Int16 => OrtElementType.Int16,
        TensorDataType.Int32 => OrtElementType.Int32,
        TensorDataType.Int64 => OrtElementType.Int64,
        TensorDataType.Bool => OrtElementType.Bool,
        TensorDataType.Float16 => OrtElementType.Float16,
        TensorDataType.Float64 => OrtElementType.Double,
        TensorDataType.UInt32 => OrtElementType.UInt32,
        TensorDataType.UInt64 => OrtElementType.UInt64,
        TensorDataType.BFloat16 => OrtElementType.BFloat16,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a supported tensor element type"),
    };

    /// <summary>
    /// ONNX Runtime's element type enum uses the same ONNX codes, but it is mapped member by member so that a change
    /// on its side fails loudly here instead of silently changing a hash.
    /// </summary>
    internal static TensorDataType FromOrt(OrtElementType type) => type switch
    {
        OrtElementType.Float => TensorDataType.Float32,
        OrtElementType.UInt8 => TensorDataType.UInt8,
        OrtElementType.Int8 => TensorDataType.Int8,
        OrtElementType.UInt16 => TensorDataType.UInt16,
        OrtElementType.Int16 => TensorDataType.Int16,
        OrtElementType.Int32 => TensorDataType.Int32,
        OrtElementType.Int64 => TensorDataType.Int64,
        OrtElementType.Bool => TensorDataType.Bool,
        OrtElementType.Float16 => TensorDataType.Float16,
        OrtElementType.Double => TensorDataType.Float64,
        OrtElementType.UInt32 => TensorDataType.UInt32,
        OrtElementType.UInt64 => TensorDataType.UInt64,
        OrtElementType.BFloat16 => TensorDataType.BFloat16,
        _ => throw new NotSupportedException($"ONNX Runtime element type {type} has no canonical byte form (strings and complex numbers are not supported)"),
    };
}
