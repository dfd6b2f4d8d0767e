using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm.Tests.Precompiles;

public sealed class StandardPrecompilesTests
{
    [Fact]
    public void Cancun_has_the_ten_precompiles_at_0x01_to_0x0a()
    {
        var table = StandardPrecompiles.Cancun();

        Assert.Equal(10, table.Count);
        var expected = new (byte Index, Type Type)[]
        {
            (0x01, typeof(EcRecoverPrecompile)),
            (0x02, typeof(Sha256Precompile)),
            (0x03, typeof(Ripemd160Precompile)),
            (0x04, typeof(IdentityPrecompile)),
            (0x05, typeof(ModExpPrecompile)),
            (0x06, typeof(Bn254AddPrecompile)),
            (0x07, typeof(Bn254MulPrecompile)),
            (0x08, typeof(Bn254PairingPrecompile)),
            (0x09, typeof(Blake2FPrecompile)),
            (0x0a, typeof(PointEvaluationPrecompile)),
        };
        foreach (var (index, type) in expected)
        {
            Assert.True(table.TryGet(PrecompileTable.StandardAddress(index), out var precompile), $"0x{index:x2}");
            Assert.IsType(type, precompile);
        }

        Assert.False(table.Contains(PrecompileTable.StandardAddress(0x0b)));
        Assert.False(table.Contains(PrecompileTable.StandardAddress(0x00)));
    }

    [Fact]
    public void Each_call_returns_a_table_the_host_can_extend_alone()
    {
        var extended = StandardPrecompiles.Cancun().With(PrecompileTable.StandardAddress(0x0b), IdentityPrecompile.Instance);
        Assert.Equal(11, extended.Count);
        Assert.Equal(10, StandardPrecompiles.Cancun().Count);
    }
}
