using Hyperion.Core.Crypto;

namespace Hyperion.Core.Tests;

public sealed class HdKeyDerivationTests
{
    // The accounts anvil and hardhat print for the development mnemonic.
    [Theory]
    [InlineData(0, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")]
    [InlineData(1, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")]
    [InlineData(9, "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", "2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6")]
    public void Development_mnemonic_gives_the_accounts_anvil_prints(int index, string address, string secret)
    {
        using var key = HdKeyDerivation.DeriveAccount(HdKeyDerivation.DevelopmentMnemonic, index);
        Assert.Equal(Address.Parse(address), key.Address);
        Assert.Equal(secret, Hex.Encode(key.ToBytes(), withPrefix: false));
    }

    // BIP-39 test vector 1 (Trezor's vectors, passphrase "TREZOR").
    [Fact]
    public void Seed_matches_the_bip39_vector()
    {
        var seed = HdKeyDerivation.MnemonicToSeed(
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", "TREZOR");
        Assert.Equal(
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
            Convert.ToHexStringLower(seed));
    }

    [Theory]
    [InlineData("44'/60'/0'/0/0")]
    [InlineData("m/44'/x/0")]
    [InlineData("m/2147483648")]
    public void Bad_paths_are_refused_with_a_clear_error(string path)
    {
        var error = Assert.Throws<FormatException>(() => HdKeyDerivation.DeriveKey(new byte[64], path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
