using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;
using Hyperion.Grains.Chain;

namespace Hyperion.Grains.Tests.Chain;

/// <summary>Keys and signed transfers for chain tests: the development mnemonic's accounts, 10,000 ETH each at genesis.</summary>
internal static class DevKeys
{
    public const ulong ChainId = 424242;

    public static readonly UInt256 TenThousandEth = UInt256.Parse("10000000000000000000000");

    private static readonly Lazy<PrivateKey[]> Keys = new(() =>
        [.. Enumerable.Range(0, 10).Select(index => HdKeyDerivation.DeriveAccount(HdKeyDerivation.DevelopmentMnemonic, index))]);

    public static PrivateKey Key(int index) => Keys.Value[index];

    public static ChainOptions Chain(int blockTimeMs = 0)
    {
        var options = new ChainOptions { ChainId = ChainId, BlockTimeMs = blockTimeMs, ExecutionThreads = 2, ConfirmEveryBlocks = 4, CheckpointEveryBlocks = 8 };
        foreach (var key in Keys.Value)
        {
            options.Alloc.Add(new GenesisAllocation(key.Address, TenThousandEth));
        }

        return options;
    }

    /// <summary>A signed EIP-1559 transfer in network encoding.</summary>
    public static (byte[] Raw, Transaction Transaction) Transfer(int from, Address to, ulong nonce, ulong wei, ulong maxFeeGwei = 100, ulong tipGwei = 1)
    {
        var transaction = new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = ChainId,
            Nonce = nonce,
            MaxFeePerGas = new UInt256(maxFeeGwei * 1_000_000_000),
            MaxPriorityFeePerGas = new UInt256(tipGwei * 1_000_000_000),
            GasLimit = 21_000,
            To = to,
            Value = new UInt256(wei),
        }.Sign(Key(from));
        return (transaction.EncodeNetworkForm(), transaction);
    }
}
