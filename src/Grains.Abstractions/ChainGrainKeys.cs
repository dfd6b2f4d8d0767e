using Hyperion.Core;

namespace Hyperion.Grains.Abstractions;

/// <summary>
/// How the grid keys its grains: every chain grain by its chain id, so one grid hosts several chains; accounts and
/// contracts by chain id plus the lowercase hex address. Use these rather than building keys by hand.
/// </summary>
public static class ChainGrainKeys
{
    public static IAccountGrain GetAccountGrain(this IGrainFactory grains, ulong chainId, in Address address)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IAccountGrain>(checked((long)chainId), address.ToLowerHex(), null);
    }

    public static IContractGrain GetContractGrain(this IGrainFactory grains, ulong chainId, in Address address)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IContractGrain>(checked((long)chainId), address.ToLowerHex(), null);
    }

    public static ISequencerGrain GetSequencerGrain(this IGrainFactory grains, ulong chainId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<ISequencerGrain>(checked((long)chainId));
    }

    public static IBlockCoordinatorGrain GetBlockCoordinatorGrain(this IGrainFactory grains, ulong chainId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IBlockCoordinatorGrain>(checked((long)chainId));
    }

    public static IChainReaderGrain GetChainReaderGrain(this IGrainFactory grains, ulong chainId)
    {
        ArgumentNullException.ThrowIfNull(grains);
        return grains.GetGrain<IChainReaderGrain>(checked((long)chainId));
    }

    /// <summary>The chain id and address of an account or contract grain.</summary>
    public static (ulong ChainId, Address Address) ParseAccountKey(long chainId, string? addressHex) =>
        ((ulong)chainId, Address.Parse(addressHex ?? throw new ArgumentNullException(nameof(addressHex))));
}
