using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// The value of an <see cref="EvmLocationKind.Account"/> location: everything about an account but its balance.
/// </summary>
/// <param name="Exists">
/// The account is in the state regardless of its balance (it was in the pre-state, or a transaction wrote it). An
/// account credited only through balance deltas has this false and still exists, because its balance is not zero:
/// an account exists when this is set or its balance is non-zero.
/// </param>
/// <param name="Nonce">The nonce.</param>
/// <param name="CodeHash">keccak of the code.</param>
/// <param name="HasStorage">The account had storage before the block (EIP-7610 refuses creation over it).</param>
/// <param name="StorageGeneration">
/// Bumped each time the account's storage is wiped (deleted, or created anew). A storage value counts only if it was
/// written in the account's current generation, so slots written before a wipe, or left in the pre-state, read as
/// zero after it without every slot being rewritten.
/// </param>
public readonly record struct AccountState(bool Exists, ulong Nonce, Hash256 CodeHash, bool HasStorage, int StorageGeneration)
{
    /// <summary>No account: what the pre-state gives for an address it does not hold.</summary>
    public static AccountState Absent { get; } = new(false, 0, AccountInfo.EmptyCodeHash, false, 0);

    public bool HasCode => CodeHash != AccountInfo.EmptyCodeHash;

    /// <summary>An account as the state before the block holds it (<paramref name="exists"/> false: <see cref="Absent"/>), in storage generation 0.</summary>
    public static AccountState Before(bool exists, in AccountInfo account) =>
        exists ? new AccountState(true, account.Nonce, account.CodeHash, account.HasStorage, 0) : Absent;
}
