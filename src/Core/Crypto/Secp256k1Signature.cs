namespace Hyperion.Core.Crypto;

/// <summary>
/// A recoverable secp256k1 ECDSA signature as Ethereum carries it: the parity of the nonce point's y
/// coordinate (0 or 1) and the scalars r and s. Legacy transactions fold the parity into <c>v</c>; that
/// mapping lives with the transaction, not here.
/// </summary>
public readonly record struct Secp256k1Signature(byte YParity, UInt256 R, UInt256 S)
{
    /// <summary>n, the order of the secp256k1 group.</summary>
    public static readonly UInt256 CurveOrder = new(0xBFD25E8CD0364141UL, 0xBAAEDCE6AF48A03BUL, 0xFFFFFFFFFFFFFFFEUL, 0xFFFFFFFFFFFFFFFFUL);

    /// <summary>n / 2 (rounded down): EIP-2 accepts s up to and including this value.</summary>
    public static readonly UInt256 HalfCurveOrder = new(0xDFE92F46681B20A0UL, 0x5D576E7357A4501DUL, 0xFFFFFFFFFFFFFFFFUL, 0x7FFFFFFFFFFFFFFFUL);

    /// <summary>r and s are both in [1, n-1] and the parity is 0 or 1.</summary>
    public bool HasValidScalars =>
        YParity <= 1 && !R.IsZero && R < CurveOrder && !S.IsZero && S < CurveOrder;

    /// <summary>s is in the lower half of the order (EIP-2), which removes the (r, n-s) malleability.</summary>
    public bool IsLowS => S <= HalfCurveOrder;

    /// <summary>The 65-byte r ‖ s ‖ yParity form (what <c>eth_sign</c> returns, with v = yParity).</summary>
    public byte[] ToCompactWithParity()
    {
        var bytes = new byte[65];
        R.WriteBigEndian(bytes);
        S.WriteBigEndian(bytes.AsSpan(32));
        bytes[64] = YParity;
        return bytes;
    }

    /// <summary>Reads r ‖ s ‖ v where v is 0/1 or 27/28.</summary>
    public static Secp256k1Signature FromCompactWithParity(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 65)
        {
            throw new ArgumentException($"A recoverable signature has 65 bytes (r ‖ s ‖ v), got {bytes.Length}.", nameof(bytes));
        }

        var v = bytes[64];
        var parity = v switch
        {
            0 or 1 => v,
            27 or 28 => (byte)(v - 27),
            _ => throw new ArgumentException($"The recovery byte must be 0, 1, 27 or 28, got {v}.", nameof(bytes)),
        };
        return new Secp256k1Signature(parity, UInt256.FromBigEndian(bytes[..32]), UInt256.FromBigEndian(bytes[32..64]));
    }

    public override string ToString() => $"yParity={YParity} r={R.ToHexQuantity()} s={S.ToHexQuantity()}";
}
