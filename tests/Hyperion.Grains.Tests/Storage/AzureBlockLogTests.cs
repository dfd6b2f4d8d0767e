using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Hyperion.Grains.Storage;

namespace Hyperion.Grains.Tests.Storage;

/// <summary>The block log contract on Azure Storage (Azurite), each test in a container and table of its own.</summary>
[Collection(AzuriteTestGroup.Name)]
public sealed class AzureBlockLogTests(AzuriteServer azurite) : BlockLogContractTests
{
    private readonly string _container = AzuriteServer.UniqueName("blocklog-");
    private readonly string _table = AzuriteServer.UniqueName("blockindex");

    protected override IBlockLog CreateLog(ulong chainId) =>

        // A provider per log: separate instances share nothing but the storage account, like two silos.
        new AzureBlockLogProvider(azurite.ConnectionString, _container, _table).Open(chainId);

    [Fact]
    public void The_provider_opens_one_log_per_chain()
    {
        var provider = new AzureBlockLogProvider(azurite.ConnectionString, _container, _table);

        Assert.Same(provider.Open(Chain), provider.Open(Chain));
        Assert.NotSame(provider.Open(Chain), provider.Open(Chain + 1));
    }

    [Fact]
    public async Task A_block_whose_writer_died_before_indexing_it_is_indexed_by_the_next_instance()
    {
        var blocks = TestBlocks.Chain(count: 3, seed: 12);
        var log = OpenLog();
        foreach (var block in blocks[..2])
        {
            await log.AppendAsync(block);
        }

        // Undo what the writer does after the block blob is created: the index rows and the "indexed" mark.
        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(_table);
        foreach (var hash in blocks[1].TransactionHashes)
        {
            await table.DeleteEntityAsync("31337", "t" + hash);
        }

        await table.DeleteEntityAsync("31337", "b" + blocks[1].Hash);
        var blob = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_container).GetBlobClient("31337/blocks/00000000000000000001");
        await blob.SetMetadataAsync(new Dictionary<string, string>());

        // A new instance (the coordinator reactivated elsewhere) repairs the head's indexes when it first looks.
        var reopened = OpenLog();
        Assert.Equal(1UL, await reopened.GetHeadNumberAsync());
        Assert.Equal(1UL, await reopened.FindBlockNumberAsync(blocks[1].Hash));
        Assert.Equal(new TransactionLocation(1, 0), await reopened.FindTransactionAsync(blocks[1].TransactionHashes[0]));

        // And an append repairs the block before it, whichever instance makes it.
        await table.DeleteEntityAsync("31337", "t" + blocks[1].TransactionHashes[0]);
        await blob.SetMetadataAsync(new Dictionary<string, string>());
        await OpenLog().AppendAsync(blocks[2]);
        Assert.Equal(new TransactionLocation(1, 0), await log.FindTransactionAsync(blocks[1].TransactionHashes[0]));
    }
}
