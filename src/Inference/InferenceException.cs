namespace Hyperion.Inference;

/// <summary>The base of the errors this library reports about models, shards, inputs and profiles.</summary>
public abstract class InferenceException : Exception
{
    protected InferenceException(string message)
        : base(message)
    {
    }

    protected InferenceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Model bytes or a manifest do not match the hashes they are pinned to, or a manifest is malformed.</summary>
public sealed class ModelIntegrityException : InferenceException
{
    public ModelIntegrityException(string message)
        : base(message)
    {
    }

    public ModelIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A requested cut cannot split the model into shards that run in sequence.</summary>
public sealed class InvalidCutException : InferenceException
{
    public InvalidCutException(string message)
        : base(message)
    {
    }

    public InvalidCutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The canonical profile was asked for where it cannot be honoured (another ONNX Runtime version, a big-endian host),
/// so results would not be comparable with other verifiers'.
/// </summary>
public sealed class CanonicalProfileException : InferenceException
{
    public CanonicalProfileException(string message)
        : base(message)
    {
    }

    public CanonicalProfileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Inputs that do not fit the model: wrong names, types, shapes or lengths. Nothing was run.</summary>
public sealed class InvalidInferenceInputException : InferenceException
{
    public InvalidInferenceInputException(string message)
        : base(message)
    {
    }

    public InvalidInferenceInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
