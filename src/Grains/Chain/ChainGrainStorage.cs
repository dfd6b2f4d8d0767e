using Hyperion.Core;

namespace Hyperion.Grains.Chain;

/// <summary>Where chain grains persist, and how their 256-bit words are stored.</summary>
public static class ChainGrainStorage
{
    /// <summary>The grain storage provider every Hyperion grain uses; the storage configuration registers it.</summary>
    public const string ProviderName = "hyperion";

    public static byte[] WriteWord(in UInt256 value) => value.ToBigEndianTrimmed();

    public static UInt256 ReadWord(byte[]? bytes) => bytes is null || bytes.Length == 0 ? UInt256.Zero : UInt256.FromBigEndian(bytes);
}
