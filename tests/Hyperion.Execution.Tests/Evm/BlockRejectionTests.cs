using Hyperion.Core;
using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// Invalid blocks are rejected by every executor, for the same first reason at the same transaction: the sequential one,
/// the parallel one on two threads (the plain-transfer path for blocks of transfers, run-ahead for the others), and
/// Block-STM itself on four (its receipts are built in stripes on the workers).
/// </summary>
public sealed class BlockRejectionTests : IDisposable
{
    private readonly SequentialBlockExecutor _sequential = new();
    private readonly ParallelBlockExecutor _parallel = new(new BlockStmOptions { ThreadCount = 2, SequentialBelowTransactionCount = 0, FallBackOnDependencyChains = false });
    private readonly ParallelBlockExecutor _blockStm = new(new BlockStmOptions { ThreadCount = 4, SequentialBelowTransactionCount = 0, FallBackOnDependencyChains = false, PlainTransferPath = false });

    public void Dispose()
    {
        _parallel.Dispose();
        _blockStm.Dispose();
    }

    [Fact]
    public void A_nonce_gap_rejects_the_block()
    {
        var builder = new WorkloadBuilder(accounts: 3, seed: 1);
        builder.Add(0, builder.AddressOf(1), UInt256.One);
        builder.Add(1, builder.AddressOf(2), UInt256.One);
        var workload = builder.Build("nonce gap");
        var skipped = workload.Block.Transactions[1] with { Nonce = 1 };
        var block = workload.Block with { Transactions = [workload.Block.Transactions[0], skipped.Sign(builder.Keys[1])] };
        var failure = AssertBothReject(block, workload.PreState, BlockRejectionReason.InvalidTransaction, 1);
        Assert.Equal(TransactionRejectionReason.NonceTooHigh, failure.TransactionRejection!.Reason);
    }

    [Fact]
    public void A_sender_without_the_funds_rejects_the_block()
    {
        var builder = new WorkloadBuilder(accounts: 2, seed: 2);
        builder.Add(0, builder.AddressOf(1), WorkloadBuilder.InitialBalance);
        var workload = builder.Build("too poor");
        var failure = AssertBothReject(workload.Block, workload.PreState, BlockRejectionReason.InvalidTransaction, 0);
        Assert.Equal(TransactionRejectionReason.InsufficientFunds, failure.TransactionRejection!.Reason);
    }

    [Fact]
    public void A_transaction_above_the_gas_left_in_the_block_rejects_it()
    {
        var builder = new WorkloadBuilder(accounts: 4, seed: 3);
        for (var i = 0; i < 3; i++)
        {
            builder.Add(i, builder.AddressOf(3), UInt256.One, gas: 21_000);
        }

        // Two transfers use 42000 of 50000; the third asks for 21000 more.
        var workload = builder.Build("gas pool", gasLimit: 50_000);
        AssertBothReject(workload.Block, workload.PreState, BlockRejectionReason.BlockGasLimitExceeded, 2);
    }

    [Fact]
    public void More_blobs_than_a_block_holds_reject_it()
    {
        var builder = new WorkloadBuilder(accounts: 2, seed: 4);
        var workload = builder.Build("blobs");
        var blobs = Enumerable.Range(0, 4).Select(i => Hash256.FromUInt256(new UInt256((ulong)i + 1) | (UInt256.One << 248))).ToArray();
        Transaction BlobTransaction(int sender, int count) => new Transaction
        {
            Type = TxType.Blob,
            ChainId = 1,
            MaxPriorityFeePerGas = WorkloadBuilder.Gwei,
            MaxFeePerGas = WorkloadBuilder.Gwei * new UInt256(3),
            MaxFeePerBlobGas = WorkloadBuilder.Gwei,
            GasLimit = 21_000,
            To = builder.AddressOf(1 - sender),
            BlobVersionedHashes = blobs[..count],
        }.Sign(builder.Keys[sender]);

        // Four blobs and three: seven, above Cancun's six.
        var block = workload.Block with { Transactions = [BlobTransaction(0, 4), BlobTransaction(1, 3)] };
        AssertBothReject(block, workload.PreState, BlockRejectionReason.BlobGasLimitExceeded, 1);

        // Four and two fit, and both executors agree on the result.
        var fitting = workload.Block with { Transactions = [BlobTransaction(0, 4), BlobTransaction(1, 2)] };
        var expected = _sequential.Execute(fitting, workload.PreState);
        Assert.Equal(6UL * 131_072, expected.BlobGasUsed);
        BlockComparison.AssertSame(expected, _parallel.Execute(fitting, workload.PreState), "six blobs");
    }

    private InvalidBlockException AssertBothReject(EvmBlock block, StateSnapshot preState, BlockRejectionReason reason, int index)
    {
        var sequential = Assert.Throws<InvalidBlockException>(() => _sequential.Execute(block, preState));
        Assert.Equal(reason, sequential.Reason);
        Assert.Equal(index, sequential.TransactionIndex);
        foreach (var executor in new[] { _parallel, _blockStm })
        {
            var parallel = Assert.Throws<InvalidBlockException>(() => executor.Execute(block, preState));
            Assert.Equal(sequential.Reason, parallel.Reason);
            Assert.Equal(sequential.TransactionIndex, parallel.TransactionIndex);
            Assert.Equal(sequential.Message, parallel.Message);
        }

        return sequential;
    }
}
