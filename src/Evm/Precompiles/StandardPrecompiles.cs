using Hyperion.Core;

namespace Hyperion.Evm.Precompiles;

/// <summary>
/// Ethereum's precompiles as of each fork, at addresses 0x01…. Each call returns a new table the host may
/// extend; the precompiles themselves are stateless and shared. A later fork starts from the previous fork's
/// table and adds or replaces entries (Prague: the BLS12-381 operations at 0x0b–0x11).
/// </summary>
public static class StandardPrecompiles
{
    public static readonly Address EcRecoverAddress = PrecompileTable.StandardAddress(0x01);
    public static readonly Address Sha256Address = PrecompileTable.StandardAddress(0x02);
    public static readonly Address Ripemd160Address = PrecompileTable.StandardAddress(0x03);
    public static readonly Address IdentityAddress = PrecompileTable.StandardAddress(0x04);
    public static readonly Address ModExpAddress = PrecompileTable.StandardAddress(0x05);
    public static readonly Address Bn254AddAddress = PrecompileTable.StandardAddress(0x06);
    public static readonly Address Bn254MulAddress = PrecompileTable.StandardAddress(0x07);
    public static readonly Address Bn254PairingAddress = PrecompileTable.StandardAddress(0x08);
    public static readonly Address Blake2FAddress = PrecompileTable.StandardAddress(0x09);
    public static readonly Address PointEvaluationAddress = PrecompileTable.StandardAddress(0x0a);

    /// <summary>Cancun's ten: Berlin's nine (with EIP-2565's modexp and EIP-1108's alt_bn128 prices) plus
    /// EIP-4844's point evaluation.</summary>
    public static PrecompileTable Cancun() =>
        new PrecompileTable()
            .With(EcRecoverAddress, EcRecoverPrecompile.Instance)
            .With(Sha256Address, Sha256Precompile.Instance)
            .With(Ripemd160Address, Ripemd160Precompile.Instance)
            .With(IdentityAddress, IdentityPrecompile.Instance)
            .With(ModExpAddress, ModExpPrecompile.Instance)
            .With(Bn254AddAddress, Bn254AddPrecompile.Instance)
            .With(Bn254MulAddress, Bn254MulPrecompile.Instance)
            .With(Bn254PairingAddress, Bn254PairingPrecompile.Instance)
            .With(Blake2FAddress, Blake2FPrecompile.Instance)
            .With(PointEvaluationAddress, PointEvaluationPrecompile.Instance);
}
