using Hyperion.Core;

namespace Hyperion.State;

/// <summary>A node that the trie needs is not in its <see cref="ITrieNodeStore"/>: the store is incomplete or
/// the trie was opened at a root the store never held.</summary>
public sealed class MissingTrieNodeException : Exception
{
    public MissingTrieNodeException()
    {
    }

    public MissingTrieNodeException(string message)
        : base(message)
    {
    }

    public MissingTrieNodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MissingTrieNodeException(Hash256 hash)
        : base($"Trie node {hash} is not in the node store.")
    {
        Hash = hash;
    }

    /// <summary>The keccak of the missing node.</summary>
    public Hash256 Hash { get; }
}

/// <summary>Bytes that are not the RLP of a trie node: not a list of 2 or 17 items, a bad hex-prefix path,
/// a child reference that is neither empty, a 32-byte hash nor an embedded node under 32 bytes.</summary>
public sealed class InvalidTrieNodeException : FormatException
{
    public InvalidTrieNodeException()
    {
    }

    public InvalidTrieNodeException(string message)
        : base(message)
    {
    }

    public InvalidTrieNodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A Merkle proof that proves nothing: a node on the key's path is missing from the proof or
/// does not decode. (A proof that the key is absent is valid and is not this exception.)</summary>
public sealed class InvalidTrieProofException : Exception
{
    public InvalidTrieProofException()
    {
    }

    public InvalidTrieProofException(string message)
        : base(message)
    {
    }

    public InvalidTrieProofException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
