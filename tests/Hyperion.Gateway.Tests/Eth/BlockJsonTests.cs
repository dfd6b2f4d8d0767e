using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;
using Hyperion.Gateway.Modules.Eth;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Tests.Eth;

public sealed class BlockJsonTests
{
    private static readonly Hash256 Parent = Hash256.Parse("0x" + string.Concat(Enumerable.Repeat("01", 32)));
    private static readonly Hash256 State = Hash256.Parse("0x" + string.Concat(Enumerable.Repeat("02", 32)));
    private static readonly Hash256 TransactionsRoot = Hash256.Parse("0x" + string.Concat(Enumerable.Repeat("03", 32)));
    private static readonly Hash256 ReceiptsRoot = Hash256.Parse("0x" + string.Concat(Enumerable.Repeat("04", 32)));
    private static readonly Hash256 BlockHash = Hash256.Parse("0x" + string.Concat(Enumerable.Repeat("05", 32)));

    // The roots of an empty trie and an empty uncle list, as every post-merge block has them.
    private const string EmptyTrieRoot = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
    private const string EmptyUnclesHash = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347";

    [Fact]
    public void A_Cancun_block_with_transaction_hashes_is_written_as_geth_writes_it()
    {
        using var key = PrivateKey.Parse(TransactionJsonTests.DevKey);
        var transaction = TransactionJsonTests.DynamicFee(key);
        var block = Block(transaction, key.Address);

        var json = EthJson.Write(writer => BlockJson.Write(writer, block, fullTransactions: false));
        EthJson.Equal(
            $$"""
            {
              "number": "0x1b4",
              "hash": "{{BlockHash}}",
              "parentHash": "{{Parent}}",
              "nonce": "0x0000000000000000",
              "mixHash": "0x0000000000000000000000000000000000000000000000000000000000000000",
              "sha3Uncles": "{{EmptyUnclesHash}}",
              "logsBloom": "0x{{new string('0', 512)}}",
              "stateRoot": "{{State}}",
              "miner": "0x4200000000000000000000000000000000000011",
              "difficulty": "0x0",
              "extraData": "0x68797065726f6e",
              "gasLimit": "0x1c9c380",
              "gasUsed": "0xc738",
              "timestamp": "0x6553f100",
              "transactionsRoot": "{{TransactionsRoot}}",
              "receiptsRoot": "{{ReceiptsRoot}}",
              "baseFeePerGas": "0x7",
              "withdrawalsRoot": "{{EmptyTrieRoot}}",
              "blobGasUsed": "0x0",
              "excessBlobGas": "0x0",
              "parentBeaconBlockRoot": "0x0000000000000000000000000000000000000000000000000000000000000000",
              "totalDifficulty": "0x0",
              "size": "0x2a1",
              "uncles": [],
              "transactions": ["{{transaction.Hash}}"],
              "withdrawals": []
            }
            """,
            json);
    }

    [Fact]
    public void Full_transactions_are_objects_with_the_block_and_the_price_paid()
    {
        using var key = PrivateKey.Parse(TransactionJsonTests.DevKey);
        var transaction = TransactionJsonTests.DynamicFee(key);
        var block = Block(transaction, key.Address);

        var json = EthJson.Write(writer => BlockJson.Write(writer, block, fullTransactions: true));
        var expectedTransaction = EthJson.Write(writer => TransactionJson.Write(
            writer, transaction, key.Address, new TransactionInclusion(BlockHash, 0x1b4, 0, new UInt256(7))));
        Assert.Contains($"\"transactions\":[{expectedTransaction}]", json, StringComparison.Ordinal);
        Assert.Contains("\"gasPrice\":\"0x77359407\"", expectedTransaction, StringComparison.Ordinal);
        Assert.Contains($"\"blockHash\":\"{BlockHash}\"", expectedTransaction, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pre_London_header_has_no_base_fee_withdrawals_or_blob_fields()
    {
        var header = new BlockHeaderRecord(
            Parent, Keccak256.OfEmptyList, Address.Zero, State, TransactionsRoot, ReceiptsRoot, new byte[256], new UInt256(131_072),
            1, 5000, 0, 0, [], Hash256.Zero, 0x0102030405060708, null, null, null, null, null);
        var json = EthJson.Write(writer => BlockJson.Write(writer, new BlockRecord(header, BlockHash, 500, [], []), false));
        Assert.Contains("\"nonce\":\"0x0102030405060708\"", json, StringComparison.Ordinal);
        Assert.Contains("\"difficulty\":\"0x20000\"", json, StringComparison.Ordinal);
        Assert.Contains("\"extraData\":\"0x\"", json, StringComparison.Ordinal);
        Assert.Contains("\"transactions\":[]", json, StringComparison.Ordinal);
        foreach (var absent in new[] { "baseFeePerGas", "withdrawals", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot" })
        {
            Assert.DoesNotContain(absent, json, StringComparison.Ordinal);
        }
    }

    private static BlockRecord Block(Transaction transaction, Address sender)
    {
        var header = new BlockHeaderRecord(
            Parent,
            Keccak256.OfEmptyList,
            Address.Parse("0x4200000000000000000000000000000000000011"),
            State,
            TransactionsRoot,
            ReceiptsRoot,
            new byte[256],
            UInt256.Zero,
            Number: 436,
            GasLimit: 30_000_000,
            GasUsed: 51_000,
            Timestamp: 1_700_000_000,
            ExtraData: "hyperon"u8.ToArray(),
            Hash256.Zero,
            Nonce: 0,
            BaseFeePerGas: new UInt256(7),
            WithdrawalsRoot: Hash256.Parse(EmptyTrieRoot),
            BlobGasUsed: 0,
            ExcessBlobGas: 0,
            ParentBeaconBlockRoot: Hash256.Zero);
        return new BlockRecord(header, BlockHash, Size: 673, [transaction.Encode()], [sender]);
    }
}
