namespace Hyperion.Evm.Precompiles.Kzg;

/// <summary>
/// The native KZG library or the trusted setup could not be loaded. Nothing can verify a KZG proof without
/// them, and answering "invalid" or "valid" anyway would silently fork the chain, so this propagates instead.
/// </summary>
public sealed class KzgUnavailableException : Exception
{
    public KzgUnavailableException()
    {
    }

    public KzgUnavailableException(string message)
        : base(message)
    {
    }

    public KzgUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
