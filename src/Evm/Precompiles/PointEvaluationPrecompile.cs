using System.Security.Cryptography;
using Hyperion.Evm.Precompiles.Kzg;

namespace Hyperion.Evm.Precompiles;

/// <summary>
/// 0x0a: EIP-4844's point evaluation. The input is exactly 192 bytes: versioned_hash (32), z (32), y (32),
/// commitment (48), proof (48). It succeeds when the commitment hashes to the versioned hash
/// (0x01 ‖ sha256(commitment)[1..]) and the proof shows that the committed polynomial is y at z; the output
/// is then FIELD_ELEMENTS_PER_BLOB and BLS_MODULUS as two 32-byte words. When c-kzg cannot be loaded it
/// throws <see cref="KzgUnavailableException"/> rather than guessing an answer.
/// </summary>
public sealed class PointEvaluationPrecompile : IPrecompile
{
    public const long Gas = 50_000;
    public const int InputLength = 192;

    /// <summary>The version byte of a KZG commitment's versioned hash.</summary>
    public const byte KzgVersion = 0x01;

    private readonly Func<KzgTrustedSetup> _setup;

    public PointEvaluationPrecompile()
        : this(static () => KzgTrustedSetup.Mainnet)
    {
    }

    /// <summary>Uses another setup source: tests pass one that fails to prove the failure is loud.</summary>
    internal PointEvaluationPrecompile(Func<KzgTrustedSetup> setup) => _setup = setup;

    public static PointEvaluationPrecompile Instance { get; } = new();

    // 4096 ‖ BLS_MODULUS (52435875175126190479447740508185965837690552500527637822603658699938581184513).
    private static ReadOnlySpan<byte> SuccessOutput =>
    [
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
        0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
        0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
    ];

    public long GasCost(ReadOnlySpan<byte> input) => Gas;

    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output)
    {
        output = [];
        if (input.Length != InputLength)
        {
            return false;
        }

        var versionedHash = input[..32];
        var z = input[32..64];
        var y = input[64..96];
        var commitment = input[96..144];
        var proof = input[144..192];

        Span<byte> commitmentHash = stackalloc byte[32];
        SHA256.HashData(commitment, commitmentHash);
        commitmentHash[0] = KzgVersion;
        if (!commitmentHash.SequenceEqual(versionedHash))
        {
            return false;
        }

        if (!_setup().VerifyKzgProof(commitment, z, y, proof))
        {
            return false;
        }

        output = SuccessOutput.ToArray();
        return true;
    }
}
