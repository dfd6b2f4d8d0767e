using Hyperion.Core;
using Hyperion.Core.Rlp;
using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Conformance;

/// <summary>
/// Imports a blockchain test's blocks with one executor through <see cref="BlockImporter"/> (header rules, execution,
/// header checks) and compares the end with the fixture. Each block goes on top of the block its header names as
/// parent, so side chains import too. Returns null when the test passes, else why not.
/// </summary>
internal static class BlockchainTestRunner
{
    private const int BlockHashWindow = 256;

    public static string? Run(BlockchainTestCase test, IEvmBlockExecutor executor)
    {
        var preState = StateSnapshot.FromAccounts(test.Pre);
        var genesis = EncodedBlock.Decode(test.GenesisRlp).Header;
        if (preState.StateRoot != genesis.StateRoot)
        {
            return $"the pre-state root {preState.StateRoot} is not the genesis state root {genesis.StateRoot}";
        }

        var importer = new BlockImporter(executor, chainId: 1);
        var imported = new Dictionary<Hash256, (BlockHeader Header, StateSnapshot State)> { [genesis.Hash] = (genesis, preState) };
        for (var index = 0; index < test.Blocks.Count; index++)
        {
            var block = test.Blocks[index];
            string? rejection;
            BlockHeader? header = null;
            EvmBlockResult? result = null;
            try
            {
                if (!imported.TryGetValue(ParentHashOf(block.Rlp), out var parent))
                {
                    throw new InvalidBlockException(BlockRejectionReason.InvalidHeader, "The parent block is unknown.");
                }

                (header, result) = importer.Import(block.Rlp, parent.Header, parent.State, AncestorHashes(imported, parent.Header));
                rejection = null;
            }
            catch (InvalidBlockException rejected)
            {
                rejection = rejected.Message;
            }

            if (rejection is not null)
            {
                if (block.ExpectException is null)
                {
                    return $"block {index + 1} rejected: {rejection}";
                }

                continue;
            }

            if (block.ExpectException is not null)
            {
                return $"block {index + 1} accepted, but it must be rejected ({block.ExpectException})";
            }

            imported[header!.Hash] = (header, result!.PostState);
        }

        if (!imported.TryGetValue(test.LastBlockHash, out var head))
        {
            return $"the last block {test.LastBlockHash} was not imported";
        }

        var expectedRoot = test.PostStateHash ?? StateSnapshot.FromAccounts(test.Post!).StateRoot;
        if (head.State.StateRoot != expectedRoot)
        {
            var detail = test.Post is null ? "" : "\n" + Evm.BlockComparison.DescribeDifference(StateSnapshot.FromAccounts(test.Post), head.State);
            return $"post-state root {head.State.StateRoot}, expected {expectedRoot}{detail}";
        }

        return null;
    }

    /// <summary>The parent hash in a block's header, read without decoding the rest (a malformed block has none: zero).</summary>
    private static Hash256 ParentHashOf(byte[] encodedBlock)
    {
        try
        {
            var reader = new RlpReader(encodedBlock);
            var block = reader.ReadList();
            var header = block.ReadList();
            return header.ReadHash();
        }
        catch (RlpException)
        {
            return Hash256.Zero;
        }
    }

    /// <summary>The hashes of <paramref name="parent"/> and its ancestors by number, as far back as BLOCKHASH reaches.</summary>
    private static Dictionary<ulong, Hash256> AncestorHashes(Dictionary<Hash256, (BlockHeader Header, StateSnapshot State)> imported, BlockHeader parent)
    {
        var hashes = new Dictionary<ulong, Hash256>();
        for (BlockHeader? block = parent; block is not null && hashes.Count < BlockHashWindow;)
        {
            var hash = block.Hash;
            hashes[block.Number] = hash;
            block = block.Number > 0 && imported.TryGetValue(block.ParentHash, out var up) ? up.Header : null;
        }

        return hashes;
    }
}
