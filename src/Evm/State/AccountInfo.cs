using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.Evm;

/// <summary>
/// An account as the EVM reads it through <see cref="IStateReader"/>: nonce, balance and code hash, plus
/// whether it holds any storage (EIP-7610 refuses to create a contract over an address with storage).
/// </summary>
public readonly record struct AccountInfo(ulong Nonce, UInt256 Balance, Hash256 CodeHash, bool HasStorage = false)
{
    /// <summary>keccak of empty code.</summary>
    public static readonly Hash256 EmptyCodeHash = Keccak256.OfEmpty;

    /// <summary>Nonce 0, balance 0 and no code: empty in EIP-161's sense (storage does not count).</summary>
    public bool IsEmpty => Nonce == 0 && Balance.IsZero && CodeHash == EmptyCodeHash;

    public bool HasCode => CodeHash != EmptyCodeHash;

    /// <summary>An account with only a balance.</summary>
    public static AccountInfo WithBalance(in UInt256 balance) => new(0, balance, EmptyCodeHash);
}
