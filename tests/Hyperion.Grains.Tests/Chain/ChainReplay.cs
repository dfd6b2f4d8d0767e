using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Execution.Evm;
using Hyperion.Grains.Chain;
using Hyperion.Grains.Storage;

namespace Hyperion.Grains.Tests.Chain;

/// <summary>
/// Re-executes every block of a block log from genesis with the sequential reference executor (a single thread, no
/// grains) and checks each header's state root, receipts root and gas: what a fresh single node would compute.
/// </summary>
internal static class ChainReplay
{
    public static async Task<StateSnapshot> VerifyAsync(IBlockLog log, ulong chainId)
    {
        var head = await log.GetHeadNumberAsync() ?? throw new InvalidOperationException("The block log is empty.");
        var genesis = await log.ReadAsync(0) ?? throw new InvalidOperationException("No genesis.");
        var state = StateSnapshot.Empty.Apply(BlockLogCodec.DecodeChanges(genesis.StateChanges));
        var parent = BlockLogCodec.DecodeBlock(genesis.Block).Header;
        Assert.Equal(parent.StateRoot, state.StateRoot);
        var hashes = new Dictionary<ulong, Hash256> { [0] = parent.Hash };
        var executor = new SequentialBlockExecutor();
        for (ulong number = 1; number <= head; number++)
        {
            var entry = await log.ReadAsync(number) ?? throw new InvalidOperationException($"Block {number} is missing.");
            var block = BlockLogCodec.DecodeBlock(entry.Block);
            var header = block.Header;
            Assert.Equal(parent.Hash, header.ParentHash);
            var transactions = block.Transactions.Select(raw => Transaction.Decode(raw, TransactionForm.Network)).ToList();
            var result = executor.Execute(
                new EvmBlock
                {
                    Context = new BlockContext
                    {
                        ChainId = chainId,
                        Number = header.Number,
                        Timestamp = header.Timestamp,
                        Coinbase = header.Coinbase,
                        GasLimit = header.GasLimit,
                        BaseFee = header.BaseFeePerGas ?? UInt256.Zero,
                        PrevRandao = header.MixHash,
                        ExcessBlobGas = header.ExcessBlobGas ?? 0,
                    },
                    Transactions = transactions,
                    BlockHashes = new Dictionary<ulong, Hash256>(hashes),
                },
                state);
            Assert.Equal(header.GasUsed, result.GasUsed);
            Assert.Equal(header.ReceiptsRoot, result.ReceiptsRoot);
            Assert.Equal(header.TransactionsRoot, result.TransactionsRoot);
            Assert.Equal(header.StateRoot, result.StateRoot);
            state = result.PostState;
            hashes[number] = header.Hash;
            parent = header;
        }

        return state;
    }
}
