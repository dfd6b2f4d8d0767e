using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.Execution.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// Storage that must disappear in the middle of a block. Under Cancun a deleted account's storage is almost never
/// read again (EIP-6780 deletes only accounts created in the same transaction, which had no storage before), but an
/// empty account that still holds storage (a pre-EIP-161 leftover, the case of EIP-7610) is deleted with its storage
/// when touched, and a contract can then be created at its address and read its old slots. The storage generation
/// of the account location makes those slots read as zero under Block-STM without rewriting them.
/// </summary>
public sealed class StorageWipeTests
{
    private static readonly Address Factory = Address.Parse("0xc2c2000000000000000000000000000000000007");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_empty_account_deleted_with_its_storage_reads_as_new_when_recreated(bool touchFirst)
    {
        var builder = new WorkloadBuilder(accounts: 3, seed: 7);
        var initCode = Assembler.Deployer(TestContracts.SlotCopier);
        var target = ContractAddress.From(Factory, UInt256.Zero, initCode);
        builder.Deploy(Factory, TestContracts.Create2Factory);
        builder.SetAccount(target, new PlainAccount { Storage = new Dictionary<UInt256, UInt256> { [UInt256.One] = new UInt256(5) } });
        if (touchFirst)
        {
            // A call of zero value touches the empty account: EIP-161 deletes it, and its storage with it.
            builder.Add(0, target, UInt256.Zero);
        }

        builder.Add(1, Factory, data: initCode, gas: 300_000);
        builder.Add(2, target);
        var workload = builder.Build("storage wipe");

        var expected = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState);
        if (touchFirst)
        {
            // Created over the wiped address; slot 1 reads as zero, so slot 2 holds 1, and the old slot 1 is gone.
            Assert.True(expected.PostState.TryGetAccount(target, out SnapshotAccount created));
            Assert.True(created.CodeHash != AccountInfo.EmptyCodeHash);
            Assert.Equal(new Dictionary<UInt256, UInt256> { [new UInt256(2)] = UInt256.One }, created.Storage);
        }
        else
        {
            // EIP-7610: no creation over storage; then the last call touches the leftover, and EIP-161 deletes it.
            Assert.True(expected.PostState.TryGetAccount(Factory, out SnapshotAccount factory));
            Assert.False(factory.Storage.ContainsKey(UInt256.Zero));
            Assert.False(expected.PostState.TryGetAccount(target, out SnapshotAccount _));
        }

        foreach (var threads in new[] { 1, 2, 4 })
        {
            using var parallel = new ParallelBlockExecutor(new BlockStmOptions { ThreadCount = threads, SequentialBelowTransactionCount = 0, FallBackOnDependencyChains = false });
            BlockComparison.AssertSame(expected, parallel.Execute(workload.Block, workload.PreState), $"touch first {touchFirst}, {threads} threads");
        }
    }

    [Fact]
    public void A_contract_created_and_destroyed_in_one_transaction_leaves_nothing_even_over_a_funded_address()
    {
        var builder = new WorkloadBuilder(accounts: 2, seed: 8);
        builder.Deploy(Workloads.EphemeralFactory, TestContracts.EphemeralFactory);

        // The factory's next child (nonce 1) is pre-funded: the account existed, so its deletion is a real write.
        var child = ContractAddress.From(Workloads.EphemeralFactory, 1);
        builder.SetAccount(child, new PlainAccount { Balance = new UInt256(77) });
        builder.Add(0, Workloads.EphemeralFactory, new UInt256(1000));
        builder.Add(1, child, new UInt256(3));
        var workload = builder.Build("ephemeral child");

        var expected = new SequentialBlockExecutor().Execute(workload.Block, workload.PreState);
        Assert.True(expected.PostState.TryGetAccount(child, out SnapshotAccount recreated));
        Assert.Equal(new UInt256(3), recreated.Balance);
        Assert.Empty(recreated.Storage);
        using var parallel = new ParallelBlockExecutor(new BlockStmOptions { ThreadCount = 2, SequentialBelowTransactionCount = 0, FallBackOnDependencyChains = false });
        BlockComparison.AssertSame(expected, parallel.Execute(workload.Block, workload.PreState), "ephemeral child");
    }
}
