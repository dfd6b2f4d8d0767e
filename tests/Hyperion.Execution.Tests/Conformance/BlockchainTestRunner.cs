using Hyperion.Core;
using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Conformance;

/// <summary>
/// Imports a blockchain test's blocks with one executor through <see cref="BlockImporter"/> (header rules, execution,
/// header checks) and compares the end with the fixture. Returns null when the test passes, else why not.
/// </summary>
internal static class BlockchainTestRunner
{
    private const int BlockHashWindow = 256;

    public static string? Run(BlockchainTestCase test, IEvmBlockExecutor executor)
    {
        var state = StateSnapshot.FromAccounts(test.Pre);
        var genesis = EncodedBlock.Decode(test.GenesisRlp).Header;
        if (state.StateRoot != genesis.StateRoot)
        {
            return $"the pre-state root {state.StateRoot} is not the genesis state root {genesis.StateRoot}";
        }

        var importer = new BlockImporter(executor, chainId: 1);
        var hashes = new Dictionary<ulong, Hash256> { [genesis.Number] = genesis.Hash };
        var head = genesis;
        for (var index = 0; index < test.Blocks.Count; index++)
        {
            var block = test.Blocks[index];
            BlockHeader header;
            EvmBlockResult result;
            try
            {
                (header, result) = importer.Import(block.Rlp, head, state, hashes);
            }
            catch (InvalidBlockException rejected)
            {
                if (block.ExpectException is null)
                {
                    return $"block {index + 1} rejected: {rejected.Message}";
                }

                continue;
            }

            if (block.ExpectException is not null)
            {
                return $"block {index + 1} accepted, but it must be rejected ({block.ExpectException})";
            }

            head = header;
            state = result.PostState;
            hashes[header.Number] = header.Hash;
            hashes.Remove(header.Number - BlockHashWindow - 1);
        }

        if (head.Hash != test.LastBlockHash)
        {
            return $"the last block is {head.Hash}, expected {test.LastBlockHash}";
        }

        var expectedRoot = test.PostStateHash ?? StateSnapshot.FromAccounts(test.Post!).StateRoot;
        if (state.StateRoot != expectedRoot)
        {
            var detail = test.Post is null ? "" : "\n" + Evm.BlockComparison.DescribeDifference(StateSnapshot.FromAccounts(test.Post), state);
            return $"post-state root {state.StateRoot}, expected {expectedRoot}{detail}";
        }

        return null;
    }
}
