using Hyperion.Evm.Precompiles;
using Hyperion.Grains.Execution;
using Microsoft.Extensions.Options;

namespace Hyperion.Grains.Inference;

/// <summary>Contributes <see cref="InferencePrecompile"/> at 0x…0a11 to every chain, or to <see cref="InferenceOptions.PrecompileChains"/>.</summary>
public sealed class InferencePrecompileContributor(InferencePrecompile precompile, IOptions<InferenceOptions> options) : IPrecompileContributor
{
    public PrecompileTable Contribute(PrecompileTable table, ulong chainId)
    {
        ArgumentNullException.ThrowIfNull(table);
        var chains = options.Value.PrecompileChains;
        return chains.Count == 0 || chains.Contains(chainId) ? precompile.Register(table) : table;
    }
}
