namespace Hyperion.Gateway;

/// <summary>Settings of the JSON-RPC gateway, whether co-hosted in a silo or standalone.</summary>
public sealed class GatewayOptions
{
    /// <summary>The chain id of the Hyperion development chain.</summary>
    public const ulong DefaultChainId = 133717;

    /// <summary>The largest request body accepted: 5 MiB, like other Ethereum clients.</summary>
    public const int DefaultMaxRequestBodyBytes = 5 * 1024 * 1024;

    /// <summary>The most requests accepted in one batch.</summary>
    public const int DefaultMaxBatchSize = 1000;

    /// <summary>The EIP-155 chain id this gateway answers for (eth_chainId, net_version).</summary>
    public ulong ChainId { get; set; } = DefaultChainId;

    /// <summary>Request bodies larger than this are refused with HTTP 413.</summary>
    public int MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>Batches longer than this are refused with a -32600 error.</summary>
    public int MaxBatchSize { get; set; } = DefaultMaxBatchSize;
}
