namespace Hyperion.Core.Transactions;

/// <summary>Which binary form of a transaction to read or write. They differ only for blob transactions.</summary>
public enum TransactionForm
{
    /// <summary>The form that blocks hold and the hash covers: a blob transaction without its blobs.</summary>
    Canonical,

    /// <summary>The form that peers gossip and <c>eth_sendRawTransaction</c> receives: a blob transaction
    /// wrapped with its blobs, commitments and proofs (0x03 ‖ rlp([body, blobs, commitments, proofs])).</summary>
    Network,
}
