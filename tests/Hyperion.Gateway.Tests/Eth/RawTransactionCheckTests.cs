using Hyperion.Core;
using Hyperion.Core.Chain;
using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class RawTransactionCheckTests
{
    private static readonly ChainConfig Config = ChainConfig.Default with { ChainId = 133717 };
    private static readonly Address Recipient = Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");

    [Fact]
    public void A_good_transfer_passes_with_its_sender()
    {
        using var key = PrivateKey.Parse(TransactionJsonTests.DevKey);
        var signed = Transfer().Sign(key);
        var (transaction, sender) = RawTransactionCheck.Check(signed.Encode(), Config);
        Assert.Equal(key.Address, sender);
        Assert.Equal(Address.Parse("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"), sender);
        Assert.Equal(signed.Hash, transaction.Hash);
    }

    [Fact]
    public void Each_refusal_has_geths_words_and_code_minus_32000()
    {
        using var key = PrivateKey.Parse(TransactionJsonTests.DevKey);
        AssertRefused((Transfer() with { ChainId = 1 }).Sign(key).Encode(), "invalid chain id for signer");
        AssertRefused((Transfer() with { GasLimit = 20_000 }).Sign(key).Encode(), "intrinsic gas too low: gas 20000, minimum needed 21000");
        AssertRefused(
            (Transfer() with { MaxPriorityFeePerGas = 2_000_000_000UL }).Sign(key).Encode(),
            "max priority fee per gas higher than max fee per gas");
        AssertRefused((Transfer() with { Nonce = ulong.MaxValue }).Sign(key).Encode(), "nonce has max value");
        AssertRefused(
            new Transaction { GasPrice = 1UL, GasLimit = 21_000, To = Recipient }.Sign(key).Encode(),
            "only replay-protected (EIP-155) transactions allowed over RPC");
        AssertRefused(
            (Transfer() with { MaxFeePerGas = 100_000_000_000_000UL, GasLimit = 21_000 }).Sign(key).Encode(),
            "tx fee (2.10 ether) exceeds the configured cap (1.00 ether)");
        AssertRefused(
            (Transfer() with { To = null, Data = new byte[49_153], GasLimit = 10_000_000 }).Sign(key).Encode(),
            "max initcode size exceeded: code size 49153, limit 49152");
    }

    [Fact]
    public void A_signature_that_recovers_nobody_is_an_invalid_sender()
    {
        using var key = PrivateKey.Parse(TransactionJsonTests.DevKey);
        var signed = Transfer().Sign(key);
        var signature = signed.Signature!.Value;

        // s above n/2 is refused by EIP-2; r = 0 is out of range.
        var highS = signed with { Signature = signature with { S = Secp256k1Signature.CurveOrder - signature.S } };
        AssertRefused(highS.Encode(), "invalid sender: invalid transaction v, r, s values");
        AssertRefused((signed with { Signature = signature with { R = UInt256.Zero } }).Encode(), "invalid sender: invalid transaction v, r, s values");
    }

    [Fact]
    public void Malformed_bytes_unknown_types_deposits_and_oversized_data_are_refused()
    {
        var malformed = Assert.Throws<RpcException>(() => RawTransactionCheck.Check([0x02, 0xc1], Config));
        Assert.Equal(EthErrorCodes.ServerError, malformed.Code);
        Assert.Contains("RLP", malformed.Message, StringComparison.Ordinal);

        AssertRefused([0x05, 0xc0], "transaction type not supported");

        var deposit = new Transaction
        {
            Type = TxType.Deposit,
            SourceHash = Hash256.Zero,
            From = Recipient,
            To = Recipient,
            GasLimit = 21_000,
        };
        AssertRefused(deposit.Encode(), "transaction type not supported");

        using var key = PrivateKey.Parse(TransactionJsonTests.DevKey);
        var oversized = (Transfer() with { Data = new byte[RawTransactionCheck.MaxTransactionSize], GasLimit = 30_000_000 }).Sign(key).Encode();
        AssertRefused(oversized, $"oversized data: transaction size {oversized.Length}, limit 131072");
    }

    private static Transaction Transfer() => new()
    {
        Type = TxType.DynamicFee,
        ChainId = 133717,
        Nonce = 0,
        MaxPriorityFeePerGas = 1_000_000_000UL,
        MaxFeePerGas = 1_000_000_000UL,
        GasLimit = 21_000,
        To = Recipient,
        Value = 1UL,
    };

    private static void AssertRefused(byte[] raw, string message)
    {
        var error = Assert.Throws<RpcException>(() => RawTransactionCheck.Check(raw, Config));
        Assert.Equal(EthErrorCodes.ServerError, error.Code);
        Assert.Equal(message, error.Message);
    }
}
