using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NBitcoin.Secp256k1;

namespace Hyperion.Core.Crypto;

/// <summary>
/// Keys from a BIP-39 mnemonic along a BIP-32 path, as wallets, anvil and hardhat derive them
/// (<c>m/44'/60'/0'/0/i</c> for Ethereum account i). The mnemonic's words are not checked against the BIP-39 word
/// list: the seed is defined on the normalised text alone, which is all derivation needs.
/// </summary>
public static class HdKeyDerivation
{
    /// <summary>The mnemonic every development chain prefunds (anvil, hardhat).</summary>
    public const string DevelopmentMnemonic = "test test test test test test test test test test test junk";

    private const uint Hardened = 0x8000_0000;
    private static readonly byte[] MasterKeyLabel = "Bitcoin seed"u8.ToArray();

    /// <summary>BIP-39: PBKDF2-HMAC-SHA512 over the NFKD-normalised mnemonic, salt "mnemonic" + passphrase, 2048 rounds.</summary>
    public static byte[] MnemonicToSeed(string mnemonic, string passphrase = "")
    {
        ArgumentNullException.ThrowIfNull(mnemonic);
        ArgumentNullException.ThrowIfNull(passphrase);
        var password = Encoding.UTF8.GetBytes(mnemonic.Normalize(NormalizationForm.FormKD));
        var salt = Encoding.UTF8.GetBytes(("mnemonic" + passphrase).Normalize(NormalizationForm.FormKD));
        return Rfc2898DeriveBytes.Pbkdf2(password, salt, 2048, HashAlgorithmName.SHA512, 64);
    }

    /// <summary>The private key at <paramref name="path"/> (e.g. <c>m/44'/60'/0'/0/0</c>) under <paramref name="seed"/>.</summary>
    public static PrivateKey DeriveKey(ReadOnlySpan<byte> seed, string path)
    {
        var master = HMACSHA512.HashData(MasterKeyLabel, seed);
        Span<byte> key = stackalloc byte[32];
        Span<byte> chainCode = stackalloc byte[32];
        master.AsSpan(0, 32).CopyTo(key);
        master.AsSpan(32, 32).CopyTo(chainCode);
        if (!ECPrivKey.TryCreate(key, out var masterKey) || masterKey is null)
        {
            throw new ArgumentException("The seed gives an invalid master key (probability 2^-127): use another seed.", nameof(seed));
        }

        var current = masterKey;
        Span<byte> data = stackalloc byte[37];
        foreach (var index in ParsePath(path))
        {
            if (index >= Hardened)
            {
                data[0] = 0;
                current.WriteToSpan(data[1..33]);
            }
            else
            {
                current.CreatePubKey().WriteToSpan(compressed: true, data[..33], out _);
            }

            BinaryPrimitives.WriteUInt32BigEndian(data[33..], index);
            var derived = HMACSHA512.HashData(chainCode, data);
            if (!current.TryTweakAdd(derived.AsSpan(0, 32), out var child) || child is null)
            {
                // BIP-32 says to skip to the next index; it happens with probability below 2^-127.
                throw new CryptographicException($"Index {index} of path {path} gives an invalid key; use the next index.");
            }

            current.Dispose();
            current = child;
            derived.AsSpan(32, 32).CopyTo(chainCode);
        }

        current.WriteToSpan(key);
        current.Dispose();
        var result = PrivateKey.FromBytes(key);
        key.Clear();
        return result;
    }

    /// <summary>Ethereum account <paramref name="index"/> of a mnemonic: path <c>m/44'/60'/0'/0/index</c>.</summary>
    public static PrivateKey DeriveAccount(string mnemonic, int index, string passphrase = "")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return DeriveKey(MnemonicToSeed(mnemonic, passphrase), $"m/44'/60'/0'/0/{index}");
    }

    private static List<uint> ParsePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/');
        if (parts.Length == 0 || parts[0] != "m")
        {
            throw new FormatException($"A derivation path starts with 'm/', like m/44'/60'/0'/0/0; got '{path}'.");
        }

        var indexes = new List<uint>(parts.Length - 1);
        foreach (var part in parts.AsSpan(1))
        {
            var hardened = part.EndsWith('\'') || part.EndsWith('h');
            var digits = hardened ? part[..^1] : part;
            if (!uint.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || index >= Hardened)
            {
                throw new FormatException($"'{part}' in derivation path '{path}' is not an index below 2^31 (optionally followed by ').");
            }

            indexes.Add(hardened ? index | Hardened : index);
        }

        return indexes;
    }
}
