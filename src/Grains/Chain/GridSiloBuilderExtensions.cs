using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hyperion.Grains.Chain;

/// <summary>Registers what the chain grains need in a silo. Storage (block log and grain state) is configured apart.</summary>
public static class GridSiloBuilderExtensions
{
    /// <summary>Hosts <paramref name="chains"/> on this silo: every silo of a cluster must be given the same chains.</summary>
    public static ISiloBuilder AddHyperionChains(this ISiloBuilder silo, params ChainOptions[] chains)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(chains);
        if (chains.Length == 0)
        {
            throw new ArgumentException("Give at least one chain.", nameof(chains));
        }

        silo.Services.AddSingleton(new ChainRegistry(chains));
        silo.Services.TryAddSingleton<ChainMetrics>();
        silo.Services.TryAddSingleton<StoredBlockCache>();
        silo.Services.AddSingleton<ChainKeeper>();
        silo.Services.AddHostedService(services => services.GetRequiredService<ChainKeeper>());
        return silo;
    }
}
