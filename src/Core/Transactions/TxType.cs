namespace Hyperion.Core.Transactions;

/// <summary>The EIP-2718 transaction type: the first byte of a typed transaction's binary form.
/// Legacy transactions have no type byte; 0 stands for them here.</summary>
public enum TxType : byte
{
    /// <summary>The original RLP list, with EIP-155 replay protection folded into v when present.</summary>
    Legacy = 0x00,

    /// <summary>EIP-2930: a chain id and an access list.</summary>
    AccessList = 0x01,

    /// <summary>EIP-1559: a fee cap and a priority fee instead of a gas price.</summary>
    DynamicFee = 0x02,

    /// <summary>EIP-4844: carries blob versioned hashes; the network form also carries the blobs.</summary>
    Blob = 0x03,

    /// <summary>OP Stack deposit: created by the rollup from L1 events, unsigned.</summary>
    Deposit = 0x7E,
}
