using Hyperion.Core;
using Hyperion.Gateway.Modules.Eth;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class ReceiptJsonTests
{
    private static readonly Hash256 TransactionHash = Hash256.Parse("0x" + string.Concat(Enumerable.Repeat("a1", 32)));
    private static readonly Hash256 BlockHash = Hash256.Parse("0x" + string.Concat(Enumerable.Repeat("b2", 32)));
    private static readonly Address From = Address.Parse("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
    private static readonly Address Token = Address.Parse("0x5fbdb2315678afecb367f032d93f642f64180aa3");
    private static readonly Hash256 Topic = Hash256.Parse("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");

    [Fact]
    public void A_call_receipt_with_a_log_is_written_as_geth_writes_it()
    {
        var bloom = new byte[256];
        bloom[0] = 0x80;
        var receipt = new ReceiptRecord(
            TransactionHash,
            TransactionIndex: 1,
            BlockHash,
            BlockNumber: 0x10,
            From,
            To: Token,
            ContractAddress: null,
            CumulativeGasUsed: 72_000,
            GasUsed: 51_000,
            EffectiveGasPrice: new UInt256(1_000_000_007),
            Success: true,
            Type: 2,
            bloom,
            [new LogRecord(Token, [Topic, Hash256.FromUInt256(From.ToUInt256())], [0x00, 0x2a], LogIndex: 4)],
            BlobGasUsed: null,
            BlobGasPrice: null);

        var json = EthJson.Write(writer => ReceiptJson.Write(writer, receipt));
        EthJson.Equal(
            $$"""
            {
              "transactionHash": "{{TransactionHash}}",
              "transactionIndex": "0x1",
              "blockHash": "{{BlockHash}}",
              "blockNumber": "0x10",
              "from": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
              "to": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
              "cumulativeGasUsed": "0x11940",
              "gasUsed": "0xc738",
              "effectiveGasPrice": "0x3b9aca07",
              "contractAddress": null,
              "logs": [
                {
                  "address": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
                  "topics": [
                    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
                    "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
                  ],
                  "data": "0x002a",
                  "blockNumber": "0x10",
                  "transactionHash": "{{TransactionHash}}",
                  "transactionIndex": "0x1",
                  "blockHash": "{{BlockHash}}",
                  "logIndex": "0x4",
                  "removed": false
                }
              ],
              "logsBloom": "0x80{{new string('0', 510)}}",
              "status": "0x1",
              "type": "0x2"
            }
            """,
            json);
    }

    [Fact]
    public void A_failed_contract_creation_has_no_recipient_and_names_the_contract()
    {
        var receipt = new ReceiptRecord(
            TransactionHash, 0, BlockHash, 1, From, To: null, ContractAddress: Token, 53_000, 53_000, UInt256.One,
            Success: false, Type: 0, new byte[256], [], null, null);
        var json = EthJson.Write(writer => ReceiptJson.Write(writer, receipt));
        Assert.Contains("\"to\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"contractAddress\":\"0x5fbdb2315678afecb367f032d93f642f64180aa3\"", json, StringComparison.Ordinal);
        Assert.Contains("\"logs\":[]", json, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"0x0\"", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"0x0\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("blobGas", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blob_receipt_carries_blob_gas()
    {
        var receipt = new ReceiptRecord(
            TransactionHash, 0, BlockHash, 1, From, Token, null, 21_000, 21_000, UInt256.One, true, Type: 3, new byte[256], [],
            BlobGasUsed: 131_072, BlobGasPrice: UInt256.One);
        var json = EthJson.Write(writer => ReceiptJson.Write(writer, receipt));
        Assert.EndsWith("\"type\":\"0x3\",\"blobGasUsed\":\"0x20000\",\"blobGasPrice\":\"0x1\"}", json, StringComparison.Ordinal);
    }
}
