using System.Security.Cryptography;

namespace Hyperion.Core.Crypto;

/// <summary>A secp256k1 operation was given something it cannot use: a private key outside [1, n-1], a
/// signature with scalars out of range, or an r with no point on the curve.</summary>
public sealed class Secp256k1Exception : CryptographicException
{
    public Secp256k1Exception()
    {
    }

    public Secp256k1Exception(string message)
        : base(message)
    {
    }

    public Secp256k1Exception(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
