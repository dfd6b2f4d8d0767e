namespace Hyperion.Grains.Abstractions.Inference;

/// <summary>A request the model cannot take (unknown model, wrong inputs): nothing ran, and retrying will not help.</summary>
[GenerateSerializer, Alias("hyperion.inference.InferenceRequestException")]
public sealed class InferenceRequestException : Exception
{
    public InferenceRequestException()
    {
    }

    public InferenceRequestException(string message)
        : base(message)
    {
    }

    public InferenceRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A shard replica's queue is full (back-pressure): try another replica or later.</summary>
[GenerateSerializer, Alias("hyperion.inference.InferenceBusyException")]
public sealed class InferenceBusyException : Exception
{
    public InferenceBusyException()
    {
    }

    public InferenceBusyException(string message)
        : base(message)
    {
    }

    public InferenceBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The grid could not run a request (no replica answered within the failover timeout): the request itself may be fine.</summary>
[GenerateSerializer, Alias("hyperion.inference.InferenceUnavailableException")]
public sealed class InferenceUnavailableException : Exception
{
    public InferenceUnavailableException()
    {
    }

    public InferenceUnavailableException(string message)
        : base(message)
    {
    }

    public InferenceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
