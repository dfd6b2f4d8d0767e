using Hyperion.Evm.Precompiles;

namespace Hyperion.Grains.Execution;

/// <summary>
/// Adds a feature's own precompiles to a chain's table. The block coordinator calls every registered contributor, in
/// registration order, on the fork's standard table before it executes blocks of that chain.
/// </summary>
public interface IPrecompileContributor
{
    /// <summary>Adds (or replaces) entries in <paramref name="table"/> and returns it.</summary>
    PrecompileTable Contribute(PrecompileTable table, ulong chainId);
}
