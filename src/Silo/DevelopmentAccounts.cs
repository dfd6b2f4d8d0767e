using System.Globalization;
using System.Text;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Grains.Chain;

namespace Hyperion.Silo;

/// <summary>
/// The development accounts: the first accounts of the well-known test mnemonic (the ones anvil and hardhat print),
/// funded at genesis so that a new node can be used with cast, ethers or a wallet right away.
/// </summary>
internal static class DevelopmentAccounts
{
    /// <summary>10,000 ETH in wei.</summary>
    public static readonly UInt256 Funding = UInt256.Parse("10000000000000000000000");

    public static PrivateKey[] Derive(int count)
    {
        if (count == 0)
        {
            return [];
        }

        var seed = HdKeyDerivation.MnemonicToSeed(HdKeyDerivation.DevelopmentMnemonic);
        return [.. Enumerable.Range(0, count).Select(index => HdKeyDerivation.DeriveKey(seed, $"m/44'/60'/0'/0/{index}"))];
    }

    public static ChainOptions Chain(ulong chainId, int blockTimeMs, ulong gasLimit, IEnumerable<PrivateKey> accounts)
    {
        var chain = new ChainOptions { ChainId = chainId, BlockTimeMs = blockTimeMs, GasLimit = gasLimit };
        foreach (var account in accounts)
        {
            chain.Alloc.Add(new GenesisAllocation(account.Address, Funding));
        }

        return chain;
    }

    /// <summary>What the node prints at start, like anvil: each account with its private key.</summary>
    public static string Describe(IReadOnlyList<PrivateKey> accounts)
    {
        if (accounts.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder()
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Development accounts (10,000 ETH each at genesis; mnemonic \"{HdKeyDerivation.DevelopmentMnemonic}\"):")
            .AppendLine("These keys are public: never use them on a real network.");
        for (var i = 0; i < accounts.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"({i}) {accounts[i].Address}  private key {Hex.Encode(accounts[i].ToBytes())}");
        }

        return text.AppendLine().ToString();
    }
}
