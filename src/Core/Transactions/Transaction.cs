using System.Runtime.CompilerServices;
using Hyperion.Core.Crypto;

namespace Hyperion.Core.Transactions;

/// <summary>
/// An Ethereum or OP Stack transaction of any type. One class rather than a hierarchy, because every
/// consumer (mempool, executor, gateway) reads the same handful of fields whatever the type; the
/// fields a type does not have stay at their defaults. Immutable: use <c>with</c> to change a field
/// (which drops the cached hash and sender) and <see cref="Sign"/> to get a signed copy.
/// </summary>
public sealed partial record Transaction
{
    // Boxed so that publishing a cached value is one atomic reference write, safe across threads.
    private StrongBox<Hash256>? _hash;
    private StrongBox<Address>? _sender;

    public Transaction()
    {
    }

    // `with` copies through here: the caches describe the original, not the modified copy.
    private Transaction(Transaction original)
    {
        Type = original.Type;
        ChainId = original.ChainId;
        Nonce = original.Nonce;
        GasPrice = original.GasPrice;
        MaxPriorityFeePerGas = original.MaxPriorityFeePerGas;
        MaxFeePerGas = original.MaxFeePerGas;
        GasLimit = original.GasLimit;
        To = original.To;
        Value = original.Value;
        Data = original.Data;
        AccessList = original.AccessList;
        MaxFeePerBlobGas = original.MaxFeePerBlobGas;
        BlobVersionedHashes = original.BlobVersionedHashes;
        Sidecar = original.Sidecar;
        SourceHash = original.SourceHash;
        From = original.From;
        Mint = original.Mint;
        IsSystemTransaction = original.IsSystemTransaction;
        Signature = original.Signature;
    }

    public TxType Type { get; init; } = TxType.Legacy;

    /// <summary>The chain the signature commits to. Null only for a legacy transaction without EIP-155
    /// (and for deposits, which carry none).</summary>
    public ulong? ChainId { get; init; }

    public ulong Nonce { get; init; }

    /// <summary>The gas price of legacy and access-list transactions.</summary>
    public UInt256 GasPrice { get; init; }

    /// <summary>EIP-1559's tip cap (dynamic-fee and blob transactions).</summary>
    public UInt256 MaxPriorityFeePerGas { get; init; }

    /// <summary>EIP-1559's fee cap (dynamic-fee and blob transactions).</summary>
    public UInt256 MaxFeePerGas { get; init; }

    public ulong GasLimit { get; init; }

    /// <summary>The recipient; null creates a contract.</summary>
    public Address? To { get; init; }

    public UInt256 Value { get; init; }

    public byte[] Data { get; init; } = [];

    public IReadOnlyList<AccessListEntry> AccessList { get; init; } = [];

    /// <summary>EIP-4844's cap on the blob gas price.</summary>
    public UInt256 MaxFeePerBlobGas { get; init; }

    /// <summary>EIP-4844: one 0x01-prefixed sha256 of a KZG commitment per blob.</summary>
    public IReadOnlyList<Hash256> BlobVersionedHashes { get; init; } = [];

    /// <summary>The blobs, commitments and proofs of a blob transaction in its network form; null in blocks.</summary>
    public BlobSidecar? Sidecar { get; init; }

    /// <summary>Deposit: what makes the deposit unique (derived from the L1 block and log index).</summary>
    public Hash256 SourceHash { get; init; }

    /// <summary>Deposit: the sender, set by L1 rather than recovered from a signature. Null for other types.</summary>
    public Address? From { get; init; }

    /// <summary>Deposit: ETH minted to the sender on L2 before the call.</summary>
    public UInt256 Mint { get; init; }

    /// <summary>Deposit: a system transaction (pre-Regolith L1 attributes), exempt from the gas pool.</summary>
    public bool IsSystemTransaction { get; init; }

    /// <summary>Null while unsigned, and always for deposits.</summary>
    public Secp256k1Signature? Signature { get; init; }

    public bool IsContractCreation => To is null;

    /// <summary>The most the sender pays per gas: the gas price, or EIP-1559's fee cap.</summary>
    public UInt256 FeeCap => Type switch
    {
        TxType.DynamicFee or TxType.Blob => MaxFeePerGas,
        TxType.Deposit => UInt256.Zero,
        _ => GasPrice,
    };

    /// <summary>The most the block producer gets per gas above the base fee: the gas price, or EIP-1559's priority fee.</summary>
    public UInt256 TipCap => Type switch
    {
        TxType.DynamicFee or TxType.Blob => MaxPriorityFeePerGas,
        TxType.Deposit => UInt256.Zero,
        _ => GasPrice,
    };

    /// <summary>
    /// What the sender pays per gas in a block with <paramref name="baseFee"/>: min(fee cap, base fee + tip cap), the
    /// gas price itself for legacy and EIP-2930 transactions, zero for deposits.
    /// </summary>
    public UInt256 EffectiveGasPrice(in UInt256 baseFee)
    {
        var feeCap = FeeCap;
        return UInt256.AddOverflow(TipCap, baseFee, out var withTip) || withTip > feeCap ? feeCap : withTip;
    }

    /// <summary>False for a legacy transaction without EIP-155, which any chain would accept.</summary>
    public bool IsReplayProtected => Type != TxType.Legacy || ChainId is not null;

    /// <summary>The blob gas the transaction uses (2^17 per blob).</summary>
    public ulong BlobGas => (ulong)BlobVersionedHashes.Count * BlobSidecar.BlobGasPerBlob;

    /// <summary>A legacy transaction's v: 27/28, or chainId·2 + 35/36 under EIP-155.</summary>
    public UInt256 LegacyV
    {
        get
        {
            var parity = Signature?.YParity ?? 0;
            if (ChainId is not { } chainId)
            {
                return (ulong)(27 + parity);
            }

            var v = ((UInt128)chainId * 2) + 35 + parity;
            return new UInt256((ulong)v, (ulong)(v >> 64));
        }
    }

    /// <summary>The transaction hash: keccak of the canonical binary form (for blob transactions, without the sidecar).</summary>
    public Hash256 Hash
    {
        get
        {
            var cached = _hash;
            if (cached is not null)
            {
                return cached.Value;
            }

            var hash = Keccak256.Compute(Encode());
            _hash = new StrongBox<Hash256>(hash);
            return hash;
        }
    }

    /// <summary>How the transaction's chain id relates to <paramref name="expectedChainId"/>.</summary>
    public ChainIdCheck CheckChainId(ulong expectedChainId) => Type switch
    {
        TxType.Deposit => ChainIdCheck.Match,
        TxType.Legacy when ChainId is null => ChainIdCheck.Unprotected,
        _ => ChainId == expectedChainId ? ChainIdCheck.Match : ChainIdCheck.Mismatch,
    };

    /// <summary>A signed copy: the signature over <see cref="SigningHash()"/>, with the sender already known.</summary>
    public Transaction Sign(PrivateKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Type == TxType.Deposit)
        {
            throw new InvalidOperationException("Deposit transactions are not signed: their sender comes from L1.");
        }

        var signed = this with { Signature = key.Sign(SigningHash()) };
        signed._sender = new StrongBox<Address>(key.Address);
        return signed;
    }

    /// <summary>
    /// The sender: recovered from the signature (with EIP-2's low-s rule) and cached, or a deposit's
    /// <see cref="From"/>. Throws <see cref="InvalidTransactionException"/> when the signature is
    /// missing, out of range, or recovers no key.
    /// </summary>
    public Address RecoverSender()
    {
        var cached = _sender;
        if (cached is not null)
        {
            return cached.Value;
        }

        var sender = Type == TxType.Deposit ? DepositSender() : RecoverFromSignature();
        _sender = new StrongBox<Address>(sender);
        return sender;
    }

    /// <summary>
    /// This transaction with its sender already known, so <see cref="RecoverSender"/> does not recover it again. Only
    /// for a sender recovered from this very transaction by a component inside the trust boundary (the gateway that
    /// checked the signature hands it to the sequencer and the block coordinator): recovery is the costliest step of
    /// admitting a transaction.
    /// </summary>
    public Transaction WithRecoveredSender(in Address sender)
    {
        var copy = this with { };
        copy._sender = new StrongBox<Address>(sender);
        return copy;
    }

    /// <summary>Like <see cref="RecoverSender"/>, but false instead of an exception.</summary>
    public bool TryRecoverSender(out Address sender)
    {
        try
        {
            sender = RecoverSender();
            return true;
        }
        catch (InvalidTransactionException)
        {
            sender = Address.Zero;
            return false;
        }
    }

    private Address DepositSender() => From ?? throw new InvalidTransactionException(
        InvalidTransactionReason.InvalidAddress, "A deposit transaction needs its 'from' address.")
    { Field = "from" };

    private Address RecoverFromSignature()
    {
        if (Signature is not { } signature)
        {
            throw new InvalidTransactionException(InvalidTransactionReason.MissingSignature, "The transaction is not signed.");
        }

        var invalid = Secp256k1Signer.DescribeInvalidScalars(signature, requireLowS: true);
        if (invalid is not null)
        {
            throw new InvalidTransactionException(InvalidTransactionReason.InvalidSignature, $"Invalid transaction signature: {invalid}.")
            {
                Field = "signature",
            };
        }

        return Secp256k1Signer.TryRecoverAddress(SigningHash(), signature, out var sender)
            ? sender
            : throw new InvalidTransactionException(
                InvalidTransactionReason.SignatureRecoveryFailed,
                "Invalid transaction signature: no public key recovers from it (r is not the x coordinate of a curve point).")
            {
                Field = "signature",
            };
    }

    /// <summary>Equal when they commit to the same thing: the same canonical encoding (or, unsigned, the
    /// same signing payload). A blob sidecar is transport data and is not compared; see
    /// <see cref="BlobSidecar.ContentEquals"/>.</summary>
    public bool Equals(Transaction? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || Type != other.Type || Signature != other.Signature)
        {
            return false;
        }

        return IdentityBytes().AsSpan().SequenceEqual(other.IdentityBytes());
    }

    public override int GetHashCode() => Type == TxType.Deposit || Signature is not null
        ? Hash.GetHashCode()
        : SigningHash().GetHashCode();

    public override string ToString()
    {
        var to = To?.ToString() ?? "create";
        var state = Type == TxType.Deposit ? $"deposit from {From}" : Signature is null ? "unsigned" : $"hash {Hash}";
        return $"{Type} tx nonce {Nonce} to {to} value {Value} gas {GasLimit} ({state})";
    }

    // Everything the transaction commits to: the signed encoding, or for an unsigned one what would be signed.
    private byte[] IdentityBytes() => Type == TxType.Deposit || Signature is not null ? Encode() : SigningPayload();

    internal void SetDecodedHash(in Hash256 hash) => _hash = new StrongBox<Hash256>(hash);
}
