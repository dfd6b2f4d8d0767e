using Hyperion.Core;
using Hyperion.Core.Transactions;

namespace Hyperion.Evm.Tests;

/// <summary>Transaction-level rules: validation against the state, fees, refunds, and the read and write sets.</summary>
public sealed class TransactionProcessorTests
{
    [Fact]
    public void A_value_transfer_pays_the_tip_to_the_coinbase_and_burns_the_base_fee()
    {
        var harness = new EvmHarness();
        var result = harness.Transact(harness.NewTransaction(EvmHarness.OtherAddress, value: 1000, maxFee: 100, tip: 2));

        Assert.True(result.Succeeded);
        Assert.Equal(21_000UL, result.GasUsed);

        // Effective price min(100, 7 + 2) = 9: the sender pays 9 a gas, the coinbase gets 2, the 7 are burned.
        Assert.Equal(EvmHarness.SenderBalance - 1000 - (21_000 * 9), harness.BalanceOf(EvmHarness.Sender));
        Assert.Equal(new UInt256(21_000 * 2), harness.BalanceOf(EvmHarness.CoinbaseAddress));
        Assert.Equal(new UInt256(1000), harness.BalanceOf(EvmHarness.OtherAddress));
    }

    [Fact]
    public void A_reverted_transaction_still_pays_for_its_gas_and_takes_its_nonce()
    {
        var harness = new EvmHarness().WithCode(new Bytecode().Push(1).Push(0).Op(Opcode.SSTORE).Push(0).Push(0).Op(Opcode.REVERT));
        var result = harness.Transact(harness.NewTransaction(EvmHarness.ContractAddress, gasLimit: 100_000));

        Assert.False(result.Succeeded);
        Assert.Equal(EvmStatus.Reverted, result.Status);
        Assert.Empty(harness.State.GetStorageOf(EvmHarness.ContractAddress));
        Assert.True(harness.State.TryGetAccount(EvmHarness.Sender, out var sender));
        Assert.Equal(1UL, sender.Nonce);
        Assert.Equal(new UInt256(result.GasUsed * 2), harness.BalanceOf(EvmHarness.CoinbaseAddress));
    }

    [Fact]
    public void An_exceptional_halt_consumes_the_whole_gas_limit()
    {
        var harness = new EvmHarness().WithCode([(byte)Opcode.INVALID]);
        var result = harness.Transact(harness.NewTransaction(EvmHarness.ContractAddress, gasLimit: 50_000));
        Assert.Equal(EvmStatus.InvalidOpcode, result.Status);
        Assert.Equal(50_000UL, result.GasUsed);
    }

    [Fact]
    public void The_refund_is_capped_at_a_fifth_of_the_gas_used()
    {
        // Clearing 3 slots refunds 3 × 4800, more than a fifth of what the transaction used.
        var harness = new EvmHarness().WithCode(new Bytecode()
            .Push(0).Push(1).Op(Opcode.SSTORE).Push(0).Push(2).Op(Opcode.SSTORE).Push(0).Push(3).Op(Opcode.SSTORE));
        for (ulong slot = 1; slot <= 3; slot++)
        {
            harness.State.SetStorage(EvmHarness.ContractAddress, slot, 1);
        }

        var result = harness.Transact(harness.NewTransaction(EvmHarness.ContractAddress));
        var beforeRefund = 21_000UL + (3 * (2 + 3 + 2100 + 2900));
        Assert.Equal(beforeRefund - (beforeRefund / 5), result.GasUsed);
    }

    public static TheoryData<string, TransactionRejectionReason> Rejections => new()
    {
        { "nonce too high", TransactionRejectionReason.NonceTooHigh },
        { "nonce too low", TransactionRejectionReason.NonceTooLow },
        { "fee cap below base fee", TransactionRejectionReason.FeeCapBelowBaseFee },
        { "tip above fee cap", TransactionRejectionReason.TipAboveFeeCap },
        { "insufficient funds", TransactionRejectionReason.InsufficientFunds },
        { "intrinsic gas", TransactionRejectionReason.IntrinsicGasTooLow },
        { "gas above block", TransactionRejectionReason.GasLimitAboveBlockGasLimit },
        { "sender with code", TransactionRejectionReason.SenderNotEoa },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Invalid_transactions_are_rejected_and_change_nothing(string problem, TransactionRejectionReason reason)
    {
        var harness = new EvmHarness();
        harness.State.SetAccount(EvmHarness.Sender, 5, EvmHarness.SenderBalance);
        var to = EvmHarness.OtherAddress;
        var transaction = problem switch
        {
            "nonce too high" => harness.NewTransaction(to, nonce: 6),
            "nonce too low" => harness.NewTransaction(to, nonce: 4),
            "fee cap below base fee" => harness.NewTransaction(to, maxFee: 6, tip: 1),
            "tip above fee cap" => harness.NewTransaction(to, maxFee: 10, tip: 11),
            "insufficient funds" => harness.NewTransaction(to, value: EvmHarness.SenderBalance),
            "intrinsic gas" => harness.NewTransaction(to, gasLimit: 20_999),
            "gas above block" => harness.NewTransaction(to, gasLimit: 30_000_001),
            _ => harness.NewTransaction(to),
        };
        if (problem == "sender with code")
        {
            harness.State.SetAccount(EvmHarness.Sender, 5, EvmHarness.SenderBalance, [(byte)Opcode.STOP]);
        }

        var result = harness.Transact(transaction);

        Assert.True(result.IsRejected);
        Assert.Equal(reason, result.Rejection!.Reason);
        Assert.Empty(result.WriteSet.Accounts);
        Assert.Empty(result.WriteSet.Storage);
        Assert.Equal(UInt256.Zero, harness.BalanceOf(EvmHarness.CoinbaseAddress));
    }

    [Fact]
    public void A_blob_transaction_pays_blob_gas_at_the_blob_base_fee()
    {
        var harness = new EvmHarness { Block = new EvmHarness().Block with { ExcessBlobGas = 10_000_000 } };
        var blobBaseFee = harness.Block.BlobBaseFee;
        Assert.True(blobBaseFee > 1);
        var hash = new byte[32];
        hash[0] = 0x01;
        var transaction = new Transaction
        {
            Type = TxType.Blob,
            ChainId = 1,
            MaxFeePerGas = 100,
            MaxPriorityFeePerGas = 2,
            MaxFeePerBlobGas = 1_000,
            GasLimit = 21_000,
            To = EvmHarness.OtherAddress,
            BlobVersionedHashes = [new Hash256(hash), new Hash256(hash)],
        }.Sign(EvmHarness.SenderKey);

        var result = harness.Transact(transaction);
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(2UL * 131_072, result.BlobGasUsed);
        Assert.Equal(EvmHarness.SenderBalance - (21_000 * 9) - (blobBaseFee * (2 * 131_072)), harness.BalanceOf(EvmHarness.Sender));
    }

    [Fact]
    public void The_blob_base_fee_follows_the_excess_blob_gas()
    {
        Assert.Equal(UInt256.One, BlockContext.ComputeBlobBaseFee(0));
        Assert.Equal(UInt256.One, BlockContext.ComputeBlobBaseFee(2_314_057));
        Assert.Equal(new UInt256(2), BlockContext.ComputeBlobBaseFee(2_314_058));
    }

    [Fact]
    public void Read_and_write_sets_list_what_the_transaction_saw_and_changed()
    {
        // The contract copies slot 1 into slot 2.
        var harness = new EvmHarness().WithCode(new Bytecode().Push(1).Op(Opcode.SLOAD).Push(2).Op(Opcode.SSTORE));
        harness.State.SetStorage(EvmHarness.ContractAddress, 1, 99);
        var processor = new TransactionProcessor(EvmSpecs.Cancun, harness.Precompiles);
        var result = processor.Execute(harness.NewTransaction(EvmHarness.ContractAddress), harness.Block, harness.State);

        Assert.Contains(new StorageRead(EvmHarness.ContractAddress, 1, 99), result.ReadSet.Storage);
        Assert.Contains(new StorageRead(EvmHarness.ContractAddress, 2, 0), result.ReadSet.Storage);
        Assert.Contains(result.ReadSet.Accounts, read => read.Address == EvmHarness.Sender && read.Account is { Nonce: 0 });
        Assert.Equal([new StorageWrite(EvmHarness.ContractAddress, 2, 99)], result.WriteSet.Storage);
        Assert.Contains(result.WriteSet.Accounts, write => write.Address == EvmHarness.Sender && write.Nonce == 1);
        Assert.Contains(result.WriteSet.Accounts, write => write.Address == EvmHarness.CoinbaseAddress);

        // The contract's own fields did not change, so only its slot is written.
        Assert.DoesNotContain(result.WriteSet.Accounts, write => write.Address == EvmHarness.ContractAddress);
    }

    [Fact]
    public void A_touched_empty_account_is_deleted()
    {
        // An existing empty account, called with no value, is touched and so removed (EIP-161).
        var harness = new EvmHarness();
        harness.State.SetAccount(EvmHarness.OtherAddress, 0, UInt256.Zero);
        var result = harness.Transact(harness.NewTransaction(EvmHarness.OtherAddress));

        Assert.True(result.Succeeded);
        Assert.Contains(result.WriteSet.Accounts, write => write.Address == EvmHarness.OtherAddress && write.Deleted);
        Assert.False(harness.Exists(EvmHarness.OtherAddress));
    }

    [Fact]
    public void Logs_are_collected_with_their_bloom()
    {
        var topic = UInt256.Parse("0x1234");
        var harness = new EvmHarness().WithCode(new Bytecode().Push32(topic).Push(0).Push(0).Op(Opcode.LOG1));
        var result = harness.Transact(harness.NewTransaction(EvmHarness.ContractAddress));

        var log = Assert.Single(result.Logs);
        Assert.Equal(EvmHarness.ContractAddress, log.Address);
        Assert.Equal(Hash256.FromUInt256(topic), Assert.Single(log.Topics));
        Assert.True(result.Bloom.MightContain(EvmHarness.ContractAddress.Bytes));
        Assert.True(result.Bloom.MightContain(Hash256.FromUInt256(topic).Bytes));
    }

    [Fact]
    public void A_deferred_coinbase_payment_leaves_the_coinbase_out_of_the_read_and_write_sets()
    {
        var harness = new EvmHarness().WithCode(new Bytecode().Push(1).Push(1).Op(Opcode.SSTORE));
        var transaction = harness.NewTransaction(EvmHarness.ContractAddress);
        var direct = new TransactionProcessor(EvmSpecs.Cancun, harness.Precompiles).Execute(transaction, harness.Block, harness.State);
        var deferred = new TransactionProcessor(EvmSpecs.Cancun, harness.Precompiles, deferCoinbasePayment: true)
            .Execute(transaction, harness.Block, harness.State);

        Assert.Equal(direct.GasUsed, deferred.GasUsed);
        Assert.Equal(direct.CoinbasePayment, deferred.CoinbasePayment);
        Assert.Equal(new UInt256(direct.GasUsed * 2), deferred.CoinbasePayment);
        Assert.DoesNotContain(deferred.ReadSet.Accounts, read => read.Address == EvmHarness.CoinbaseAddress);
        Assert.DoesNotContain(deferred.WriteSet.Accounts, write => write.Address == EvmHarness.CoinbaseAddress);
        var credited = Assert.Single(direct.WriteSet.Accounts, write => write.Address == EvmHarness.CoinbaseAddress);
        Assert.Equal(deferred.CoinbasePayment, credited.Balance);
    }

    [Fact]
    public void A_rejection_reports_what_it_depended_on()
    {
        var harness = new EvmHarness();
        var result = harness.Transact(harness.NewTransaction(EvmHarness.OtherAddress, nonce: 3));
        Assert.Equal(TransactionRejectionReason.NonceTooHigh, result.Rejection!.Reason);
        Assert.Contains(result.ReadSet.Accounts, read => read.Address == EvmHarness.Sender);
    }

    [Fact]
    public void A_reader_that_throws_aborts_the_transaction_and_the_processor_stays_usable()
    {
        // Block-STM aborts an execution that reads an estimate by throwing from the reader.
        var harness = new EvmHarness().WithCode(new Bytecode().Push(5).Op(Opcode.SLOAD).StoreTopAt(6));
        harness.State.SetStorage(EvmHarness.ContractAddress, 5, 42);
        var processor = new TransactionProcessor(EvmSpecs.Cancun, harness.Precompiles);
        var transaction = harness.NewTransaction(EvmHarness.ContractAddress);

        Assert.Throws<EstimateReadException>(() => processor.Execute(transaction, harness.Block, new ThrowingReader(harness.State)));

        var result = processor.Execute(transaction, harness.Block, harness.State);
        Assert.True(result.Succeeded);
        Assert.Contains(new StorageWrite(EvmHarness.ContractAddress, 6, 42), result.WriteSet.Storage);
    }

    private sealed class EstimateReadException : Exception
    {
    }

    private sealed class ThrowingReader(IStateReader inner) : IStateReader
    {
        public bool TryGetAccount(in Address address, out AccountInfo account) => inner.TryGetAccount(address, out account);

        public byte[] GetCode(in Hash256 codeHash) => inner.GetCode(codeHash);

        public UInt256 GetStorage(in Address address, in UInt256 slot) => throw new EstimateReadException();

        public Hash256 GetBlockHash(ulong number) => inner.GetBlockHash(number);
    }
}
