using Hyperion.Core;
using Hyperion.Core.Rlp;

namespace Hyperion.Execution.Evm;

/// <summary>An EIP-4895 withdrawal: an amount in gwei credited to an address after the block's transactions.</summary>
public sealed record Withdrawal(ulong Index, ulong ValidatorIndex, Address Address, ulong AmountInGwei)
{
    private static readonly UInt256 WeiPerGwei = new(1_000_000_000);

    public UInt256 AmountInWei => new UInt256(AmountInGwei) * WeiPerGwei;

    /// <summary>rlp([index, validatorIndex, address, amount]): what the withdrawals trie holds.</summary>
    public byte[] Encode() =>
        new RlpWriter(64)
            .StartList()
            .WriteUInt64(Index)
            .WriteUInt64(ValidatorIndex)
            .WriteAddress(Address)
            .WriteUInt64(AmountInGwei)
            .EndList()
            .ToArray();

    public static Withdrawal ReadFrom(ref RlpReader reader)
    {
        var fields = reader.ReadList();
        var withdrawal = new Withdrawal(fields.ReadUInt64(), fields.ReadUInt64(), fields.ReadAddress(), fields.ReadUInt64());
        fields.EnsureEnd();
        return withdrawal;
    }
}
