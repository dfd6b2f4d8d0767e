using Hyperion.Core.Crypto;

namespace Hyperion.Evm.Tests;

public sealed class CodeAnalysisCacheTests
{
    /// <summary>
    /// A speculative reader that finds no code for a real code hash (it read an account torn by a concurrent commit, or
    /// one whose code is not published yet) gets empty code for that call only: the next caller with the code gets its
    /// analysis, not an empty one left under the hash.
    /// </summary>
    [Fact]
    public void Code_that_could_not_be_found_is_not_remembered_under_its_hash()
    {
        var cache = new CodeAnalysisCache();
        byte[] code = [0x60, 0x01, 0x60, 0x00, 0x55, 0x00];
        var hash = Keccak256.Compute(code);

        Assert.Empty(cache.GetOrAdd(hash, []).Code);
        Assert.Equal(0, cache.Count);
        Assert.Equal(code, cache.GetOrAdd(hash, code).Code);
        Assert.Equal(code, cache.GetOrAdd(hash, []).Code);
    }
}
