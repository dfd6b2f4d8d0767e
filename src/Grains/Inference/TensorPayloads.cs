using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Inference;
using Hyperion.Inference.Tensors;

namespace Hyperion.Grains.Inference;

/// <summary>Conversions between the library's tensors and the grain wire records.</summary>
public static class TensorPayloads
{
    public static TensorPayload[] ToPayloads(this TensorSet tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        return [.. tensors.Select(tensor => new TensorPayload(tensor.Name, tensor.DataType.CanonicalName(), [.. tensor.Dimensions], tensor.Data.ToArray()))];
    }

    /// <exception cref="InvalidInferenceInputException">A type name is unknown or the bytes do not fit the dimensions.</exception>
    public static TensorSet ToTensorSet(this IEnumerable<TensorPayload> payloads)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        return new TensorSet(payloads.Select(payload =>
        {
            if (!TensorDataTypes.TryParseCanonicalName(payload.DataType, out var type))
            {
                throw new InvalidInferenceInputException($"tensor '{payload.Name}': unknown element type '{payload.DataType}'");
            }

            try
            {
                return new NamedTensor(payload.Name, type, payload.Dimensions, payload.Data);
            }
            catch (ArgumentException exception)
            {
                throw new InvalidInferenceInputException($"tensor '{payload.Name}': {exception.Message}");
            }
        }));
    }

    /// <summary>Numeric JSON values converted to <paramref name="signature"/>'s element type.</summary>
    /// <exception cref="InvalidInferenceInputException">The type has no numeric form here, or the count does not fit the dimensions.</exception>
    public static NamedTensor FromNumeric(NumericTensor tensor, TensorSignature signature)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(signature);
        var size = signature.DataType.SizeInBytes();
        var bytes = new byte[checked(tensor.Values.Length * size)];
        for (var index = 0; index < tensor.Values.Length; index++)
        {
            var value = tensor.Values[index];
            var slot = bytes.AsSpan(index * size, size);
            switch (signature.DataType)
            {
                case TensorDataType.Float32:
                    BitConverter.TryWriteBytes(slot, (float)value);
                    break;
                case TensorDataType.Float64:
                    BitConverter.TryWriteBytes(slot, value);
                    break;
                case TensorDataType.Int32:
                    BitConverter.TryWriteBytes(slot, checked((int)value));
                    break;
                case TensorDataType.Int64:
                    BitConverter.TryWriteBytes(slot, checked((long)value));
                    break;
                default:
                    throw new InvalidInferenceInputException($"input '{signature.Name}' has element type {signature.DataType.CanonicalName()}, which JSON numbers cannot feed");
            }
        }

        try
        {
            return new NamedTensor(signature.Name, signature.DataType, tensor.Dimensions, bytes);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidInferenceInputException($"input '{signature.Name}': {exception.Message}");
        }
    }
}
