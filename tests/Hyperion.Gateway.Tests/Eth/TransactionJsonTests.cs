using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;
using Hyperion.Gateway.Modules.Eth;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class TransactionJsonTests
{
    /// <summary>The signed example of EIP-155 (private key 0x4646…46), with its published hash, v, r and s.</summary>
    private const string Eip155Example =
        "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";

    /// <summary>Account 0 of the test mnemonic (test … junk), 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266.</summary>
    internal const string DevKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    private static readonly Hash256 BlockHash = Hash256.Parse("0x" + string.Concat(Enumerable.Repeat("b1", 32)));

    [Fact]
    public void The_EIP_155_example_pending_is_written_as_geth_writes_it()
    {
        var transaction = Transaction.Decode(Hex.Decode(Eip155Example));
        var json = EthJson.Write(writer => TransactionJson.Write(writer, transaction, transaction.RecoverSender(), null));
        EthJson.Equal(
            """
            {
              "blockHash": null,
              "blockNumber": null,
              "from": "0x9d8a62f656a8d1615c1294fd71e9cfb3e4855a4f",
              "gas": "0x5208",
              "gasPrice": "0x4a817c800",
              "hash": "0x33469b22e9f636356c4160a87eb19df52b7412e8eac32a4a55ffe88ea8350788",
              "input": "0x",
              "nonce": "0x9",
              "to": "0x3535353535353535353535353535353535353535",
              "transactionIndex": null,
              "value": "0xde0b6b3a7640000",
              "type": "0x0",
              "chainId": "0x1",
              "v": "0x25",
              "r": "0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276",
              "s": "0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83"
            }
            """,
            json);
    }

    [Fact]
    public void A_legacy_transaction_without_EIP_155_has_no_chain_id_and_v_27_or_28()
    {
        using var key = PrivateKey.Parse(DevKey);
        var transaction = new Transaction { Nonce = 0, GasPrice = 1UL, GasLimit = 21_000, To = key.Address }.Sign(key);
        var json = EthJson.Write(writer => TransactionJson.Write(writer, transaction, key.Address, null));
        Assert.DoesNotContain("chainId", json, StringComparison.Ordinal);
        Assert.DoesNotContain("yParity", json, StringComparison.Ordinal);
        Assert.Contains($"\"v\":\"0x{27 + transaction.Signature!.Value.YParity:x}\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dynamic_fee_transaction_in_a_block_reports_the_price_it_paid()
    {
        using var key = PrivateKey.Parse(DevKey);
        var transaction = DynamicFee(key);
        var signature = transaction.Signature!.Value;
        var inclusion = new TransactionInclusion(BlockHash, 0x1234, 3, new UInt256(7));
        var json = EthJson.Write(writer => TransactionJson.Write(writer, transaction, key.Address, inclusion));

        // gasPrice = min(tip + base fee, fee cap) = 2 gwei + 7 wei.
        EthJson.Equal(
            $$"""
            {
              "blockHash": "{{BlockHash}}",
              "blockNumber": "0x1234",
              "from": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
              "gas": "0xea60",
              "gasPrice": "0x77359407",
              "maxFeePerGas": "0x174876e800",
              "maxPriorityFeePerGas": "0x77359400",
              "hash": "{{Keccak256.Compute(transaction.Encode())}}",
              "input": "0xa9059cbb",
              "nonce": "0x7",
              "to": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
              "transactionIndex": "0x3",
              "value": "0x3039",
              "type": "0x2",
              "accessList": [
                {
                  "address": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
                  "storageKeys": ["0x0000000000000000000000000000000000000000000000000000000000000001"]
                }
              ],
              "chainId": "0x20a55",
              "v": "0x{{signature.YParity:x}}",
              "r": "{{signature.R.ToHexQuantity()}}",
              "s": "{{signature.S.ToHexQuantity()}}",
              "yParity": "0x{{signature.YParity:x}}"
            }
            """,
            json);
    }

    [Fact]
    public void A_pending_dynamic_fee_transaction_reports_its_fee_cap_as_gas_price()
    {
        using var key = PrivateKey.Parse(DevKey);
        var transaction = DynamicFee(key);
        Assert.Equal(new UInt256(100_000_000_000), TransactionJson.GasPrice(transaction, null));

        // A base fee above the fee cap cannot be in a block, but the price stays capped whatever the inputs.
        var expensive = new TransactionInclusion(BlockHash, 1, 0, new UInt256(200_000_000_000));
        Assert.Equal(new UInt256(100_000_000_000), TransactionJson.GasPrice(transaction, expensive));
    }

    [Fact]
    public void A_blob_transaction_carries_its_blob_fields()
    {
        using var key = PrivateKey.Parse(DevKey);
        var versioned = Hash256.Parse("0x01" + new string('0', 62));
        var transaction = new Transaction
        {
            Type = TxType.Blob,
            ChainId = 133717,
            MaxFeePerGas = 10UL,
            MaxPriorityFeePerGas = 1UL,
            GasLimit = 21_000,
            To = key.Address,
            MaxFeePerBlobGas = 3UL,
            BlobVersionedHashes = [versioned],
        }.Sign(key);
        var json = EthJson.Write(writer => TransactionJson.Write(writer, transaction, key.Address, null));
        Assert.Contains("\"maxFeePerBlobGas\":\"0x3\"", json, StringComparison.Ordinal);
        Assert.Contains($"\"blobVersionedHashes\":[\"{versioned}\"]", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"0x3\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deposit_has_its_source_and_no_signature()
    {
        // OP Mainnet block 124665056, transaction 0 (the L1 attributes deposit).
        var deposit = Transaction.Decode(Hex.Decode(
            "0x7ef8f8a0683079df94aa5b9cf86687d739a60a9b4f0835e520ec4d664e2e415dca17a6df94deaddeaddeaddeaddeaddeaddeaddeaddead00019442000000000000000000000000000000000000158080830f424080b8a4440a5e200000146b000f79c500000000000000040000000066d052e700000000013ad8a3000000000000000000000000000000000000000000000000000000003ef1278700000000000000000000000000000000000000000000000000000000000000012fdf87b89884a61e74b322bbcf60386f543bfae7827725efaaf0ab1de2294a590000000000000000000000006887246668a3b87f54deb3b94ba47a6f63f32985"));
        var inclusion = new TransactionInclusion(BlockHash, 124665056, 0, new UInt256(1000));
        var json = EthJson.Write(writer => TransactionJson.Write(writer, deposit, deposit.RecoverSender(), inclusion));
        Assert.Contains("\"hash\":\"0x312e290cf36df704a2217b015d6455396830b0ce678b860ebfcc30f41403d7b1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"from\":\"0xdeaddeaddeaddeaddeaddeaddeaddeaddead0001\"", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"0x7e\"", json, StringComparison.Ordinal);
        Assert.Contains("\"gasPrice\":\"0x0\"", json, StringComparison.Ordinal);
        Assert.Contains("\"sourceHash\":\"0x683079df94aa5b9cf86687d739a60a9b4f0835e520ec4d664e2e415dca17a6df\"", json, StringComparison.Ordinal);
        Assert.Contains("\"v\":\"0x0\",\"r\":\"0x0\",\"s\":\"0x0\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("mint", json, StringComparison.Ordinal);
        Assert.DoesNotContain("chainId", json, StringComparison.Ordinal);
    }

    internal static Transaction DynamicFee(PrivateKey key) => new Transaction
    {
        Type = TxType.DynamicFee,
        ChainId = 133717,
        Nonce = 7,
        MaxPriorityFeePerGas = 2_000_000_000UL,
        MaxFeePerGas = 100_000_000_000UL,
        GasLimit = 60_000,
        To = Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"),
        Value = 12_345UL,
        Data = [0xa9, 0x05, 0x9c, 0xbb],
        AccessList = [new AccessListEntry(Address.Parse("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"), [Hash256.FromUInt256(UInt256.One)])],
    }.Sign(key);
}
