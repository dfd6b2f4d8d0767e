using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// Imports a block on top of its parent as a verifying node does: decodes it, checks its header against the parent,
/// executes it (with whichever <see cref="IEvmBlockExecutor"/>), and checks every header field that execution
/// determines (gas used, blob gas used, state root, receipts root, transactions root, withdrawals root, logs bloom).
/// A block that fails anything throws <see cref="InvalidBlockException"/>.
/// </summary>
public sealed class BlockImporter
{
    private readonly IEvmBlockExecutor _executor;
    private readonly ulong _chainId;

    public BlockImporter(IEvmBlockExecutor executor, ulong chainId)
    {
        ArgumentNullException.ThrowIfNull(executor);
        _executor = executor;
        _chainId = chainId;
    }

    /// <param name="encodedBlock">rlp(block).</param>
    /// <param name="parent">The parent's header.</param>
    /// <param name="parentState">The state after the parent.</param>
    /// <param name="ancestorHashes">Hashes of the parent and its ancestors by number (the last 256 suffice), for BLOCKHASH.</param>
    public (BlockHeader Header, EvmBlockResult Result) Import(
        ReadOnlySpan<byte> encodedBlock,
        BlockHeader parent,
        StateSnapshot parentState,
        IReadOnlyDictionary<ulong, Hash256> ancestorHashes)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(parentState);
        ArgumentNullException.ThrowIfNull(ancestorHashes);
        var decoded = EncodedBlock.Decode(encodedBlock);
        var header = decoded.Header;
        BlockHeaderRules.ValidateAgainstParent(header, parent);
        if (decoded.OmmerCount != 0)
        {
            throw new InvalidBlockException(BlockRejectionReason.InvalidHeader, $"The block carries {decoded.OmmerCount} ommers; none are valid after the merge.");
        }

        if (decoded.Withdrawals is null)
        {
            throw new InvalidBlockException(BlockRejectionReason.Malformed, "The block has no withdrawals list (EIP-4895).");
        }

        var block = new EvmBlock
        {
            Context = new BlockContext
            {
                ChainId = _chainId,
                Number = header.Number,
                Timestamp = header.Timestamp,
                Coinbase = header.Coinbase,
                GasLimit = header.GasLimit,
                BaseFee = header.BaseFeePerGas ?? UInt256.Zero,
                Difficulty = header.Difficulty,
                PrevRandao = header.MixHash,
                ExcessBlobGas = header.ExcessBlobGas ?? 0,
            },
            Transactions = decoded.Transactions,
            Withdrawals = decoded.Withdrawals,
            ParentBeaconBlockRoot = header.ParentBeaconBlockRoot,
            BlockHashes = ancestorHashes,
        };
        var result = _executor.Execute(block, parentState);
        Match("gas used", header.GasUsed, result.GasUsed);
        Match("blob gas used", header.BlobGasUsed ?? 0, result.BlobGasUsed);
        Match("transactions root", header.TransactionsRoot, result.TransactionsRoot);
        Match("withdrawals root", header.WithdrawalsRoot, result.WithdrawalsRoot);
        Match("receipts root", header.ReceiptsRoot, result.ReceiptsRoot);
        Match("logs bloom", Hex.Encode(header.LogsBloom), result.LogsBloom.ToString());
        Match("state root", header.StateRoot, result.StateRoot);
        return (header, result);
    }

    private static void Match<T>(string field, T inHeader, T computed)
    {
        if (!EqualityComparer<T>.Default.Equals(inHeader, computed))
        {
            throw new InvalidBlockException(BlockRejectionReason.HeaderMismatch, $"The header's {field} is {inHeader}; executing the block gives {computed}.");
        }
    }
}
