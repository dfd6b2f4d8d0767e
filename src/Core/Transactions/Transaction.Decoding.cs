using Hyperion.Core.Crypto;
using Hyperion.Core.Rlp;

namespace Hyperion.Core.Transactions;

public sealed partial record Transaction
{
    private const int LegacyFieldCount = 9;
    private const int AccessListFieldCount = 11;
    private const int DynamicFeeFieldCount = 12;
    private const int BlobFieldCount = 14;
    private const int DepositFieldCount = 8;
    private const int BlobNetworkWrapperCount = 4;

    /// <summary>
    /// Decodes a transaction's binary form: an RLP list for legacy transactions, type ‖ rlp(fields) for
    /// typed ones. Strict: non-canonical RLP, integers with leading zeros or too wide for their field,
    /// wrong field counts, unknown types and trailing bytes are all refused with an
    /// <see cref="InvalidTransactionException"/>. Decoding does not check the signature or chain rules;
    /// see <see cref="TransactionValidator"/>.
    /// </summary>
    /// <param name="encoded">The binary form.</param>
    /// <param name="form">Canonical (block) form, or the network form in which blob transactions carry their sidecar.</param>
    public static Transaction Decode(ReadOnlySpan<byte> encoded, TransactionForm form = TransactionForm.Canonical)
    {
        try
        {
            return DecodeBinary(encoded, form);
        }
        catch (RlpException e)
        {
            throw new InvalidTransactionException(InvalidTransactionReason.MalformedRlp, "Malformed transaction RLP: " + e.Message, e);
        }
    }

    /// <summary>Reads one transaction from a block body's list: a legacy transaction's list, or an RLP
    /// string holding a typed transaction's binary form.</summary>
    public static Transaction ReadFrom(ref RlpReader reader)
    {
        try
        {
            if (reader.NextIsList)
            {
                return DecodeBinary(reader.ReadEncodedItem(), TransactionForm.Canonical);
            }

            var typed = reader.ReadBytes();
            if (typed.IsEmpty || typed[0] >= 0x80)
            {
                throw new InvalidTransactionException(
                    InvalidTransactionReason.UnsupportedType,
                    "A block body's transaction string must hold a typed transaction (type ‖ payload); legacy transactions are plain lists.");
            }

            return DecodeBinary(typed, TransactionForm.Canonical);
        }
        catch (RlpException e)
        {
            throw new InvalidTransactionException(InvalidTransactionReason.MalformedRlp, "Malformed transaction RLP: " + e.Message, e);
        }
    }

    private static Transaction DecodeBinary(ReadOnlySpan<byte> encoded, TransactionForm form)
    {
        if (encoded.IsEmpty)
        {
            throw new InvalidTransactionException(InvalidTransactionReason.MalformedRlp, "Empty transaction bytes.");
        }

        var first = encoded[0];
        if (first >= 0xc0)
        {
            var reader = new RlpReader(encoded);
            var fields = reader.ReadList();
            reader.EnsureEnd();
            var legacy = DecodeLegacy(fields);
            legacy.SetDecodedHash(Keccak256.Compute(encoded));
            return legacy;
        }

        if (first >= 0x80)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.UnsupportedType,
                $"0x{first:x2} starts neither a typed transaction (type 0x00–0x7f) nor a legacy RLP list; a typed transaction must not be wrapped in an RLP string.");
        }

        var type = (TxType)first;
        if (type is not (TxType.AccessList or TxType.DynamicFee or TxType.Blob or TxType.Deposit))
        {
            throw new InvalidTransactionException(InvalidTransactionReason.UnsupportedType, $"Transaction type 0x{first:x2} is not supported.");
        }

        var payload = new RlpReader(encoded[1..]);
        if (!payload.NextIsList)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.MalformedRlp, $"A type 0x{first:x2} transaction's payload must be an RLP list.");
        }

        var list = payload.ReadList();
        payload.EnsureEnd();

        if (type == TxType.Blob && form == TransactionForm.Network)
        {
            return DecodeBlobNetworkForm(list);
        }

        if (type == TxType.Blob && list.NextIsList)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.BlobSidecarForm,
                "This blob transaction is in the network form (with blobs); the canonical form was expected.");
        }

        var transaction = type switch
        {
            TxType.AccessList => DecodeAccessList(list),
            TxType.DynamicFee => DecodeDynamicFee(list),
            TxType.Blob => DecodeBlob(list, sidecar: null),
            _ => DecodeDeposit(list),
        };
        transaction.SetDecodedHash(Keccak256.Compute(encoded));
        return transaction;
    }

    private static Transaction DecodeLegacy(RlpReader fields)
    {
        ExpectFieldCount(fields, LegacyFieldCount, TxType.Legacy);
        var nonce = ReadUInt64(ref fields, "nonce");
        var gasPrice = ReadUInt256(ref fields, "gasPrice");
        var gasLimit = ReadUInt64(ref fields, "gasLimit");
        var to = ReadOptionalAddress(ref fields, "to");
        var value = ReadUInt256(ref fields, "value");
        var data = ReadString(ref fields, "data").ToArray();
        var v = ReadUInt256(ref fields, "v", InvalidTransactionReason.InvalidSignature);
        var r = ReadUInt256(ref fields, "r", InvalidTransactionReason.InvalidSignature);
        var s = ReadUInt256(ref fields, "s", InvalidTransactionReason.InvalidSignature);
        var (chainId, parity) = SplitLegacyV(v);
        return new Transaction
        {
            Type = TxType.Legacy,
            ChainId = chainId,
            Nonce = nonce,
            GasPrice = gasPrice,
            GasLimit = gasLimit,
            To = to,
            Value = value,
            Data = data,
            Signature = new Secp256k1Signature(parity, r, s),
        };
    }

    // v is 27 + parity before EIP-155 and chainId·2 + 35 + parity after; anything else names no chain.
    private static (ulong? ChainId, byte Parity) SplitLegacyV(in UInt256 v)
    {
        if (v == 27UL || v == 28UL)
        {
            return (null, (byte)(v.U0 - 27));
        }

        if (v < 35UL || v.U2 != 0 || v.U3 != 0)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.InvalidChainId,
                $"Legacy v = {v} is neither 27/28 nor chainId·2 + 35/36 (EIP-155).")
            { Field = "v" };
        }

        var offset = (new UInt128(v.U1, v.U0)) - 35;
        var chainId = offset / 2;
        if (chainId > ulong.MaxValue)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.InvalidChainId, $"Legacy v = {v} implies a chain id wider than 64 bits.")
            { Field = "v" };
        }

        return ((ulong)chainId, (byte)(offset % 2));
    }

    private static Transaction DecodeAccessList(RlpReader fields)
    {
        ExpectFieldCount(fields, AccessListFieldCount, TxType.AccessList);
        return new Transaction
        {
            Type = TxType.AccessList,
            ChainId = ReadChainId(ref fields),
            Nonce = ReadUInt64(ref fields, "nonce"),
            GasPrice = ReadUInt256(ref fields, "gasPrice"),
            GasLimit = ReadUInt64(ref fields, "gasLimit"),
            To = ReadOptionalAddress(ref fields, "to"),
            Value = ReadUInt256(ref fields, "value"),
            Data = ReadString(ref fields, "data").ToArray(),
            AccessList = ReadAccessList(ref fields),
            Signature = ReadTypedSignature(ref fields),
        };
    }

    private static Transaction DecodeDynamicFee(RlpReader fields)
    {
        ExpectFieldCount(fields, DynamicFeeFieldCount, TxType.DynamicFee);
        return new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = ReadChainId(ref fields),
            Nonce = ReadUInt64(ref fields, "nonce"),
            MaxPriorityFeePerGas = ReadUInt256(ref fields, "maxPriorityFeePerGas"),
            MaxFeePerGas = ReadUInt256(ref fields, "maxFeePerGas"),
            GasLimit = ReadUInt64(ref fields, "gasLimit"),
            To = ReadOptionalAddress(ref fields, "to"),
            Value = ReadUInt256(ref fields, "value"),
            Data = ReadString(ref fields, "data").ToArray(),
            AccessList = ReadAccessList(ref fields),
            Signature = ReadTypedSignature(ref fields),
        };
    }

    private static Transaction DecodeBlob(RlpReader fields, BlobSidecar? sidecar)
    {
        ExpectFieldCount(fields, BlobFieldCount, TxType.Blob);
        return new Transaction
        {
            Type = TxType.Blob,
            ChainId = ReadChainId(ref fields),
            Nonce = ReadUInt64(ref fields, "nonce"),
            MaxPriorityFeePerGas = ReadUInt256(ref fields, "maxPriorityFeePerGas"),
            MaxFeePerGas = ReadUInt256(ref fields, "maxFeePerGas"),
            GasLimit = ReadUInt64(ref fields, "gasLimit"),
            To = ReadOptionalAddress(ref fields, "to") ?? throw new InvalidTransactionException(
                InvalidTransactionReason.BlobContractCreation, "A blob transaction must have a recipient: EIP-4844 forbids contract creation.")
            {
                Field = "to",
            },
            Value = ReadUInt256(ref fields, "value"),
            Data = ReadString(ref fields, "data").ToArray(),
            AccessList = ReadAccessList(ref fields),
            MaxFeePerBlobGas = ReadUInt256(ref fields, "maxFeePerBlobGas"),
            BlobVersionedHashes = ReadVersionedHashes(ref fields),
            Signature = ReadTypedSignature(ref fields),
            Sidecar = sidecar,
        };
    }

    private static Transaction DecodeBlobNetworkForm(RlpReader wrapper)
    {
        if (!wrapper.NextIsList)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.BlobSidecarForm,
                "A blob transaction in the network form is 0x03 ‖ rlp([body, blobs, commitments, proofs]); the blobs are missing.");
        }

        ExpectFieldCount(wrapper, BlobNetworkWrapperCount, TxType.Blob, "network wrapper of a blob");
        var bodyEncoding = wrapper.ReadEncodedItem();
        var blobs = ReadByteStrings(ref wrapper, "blobs");
        var commitments = ReadByteStrings(ref wrapper, "commitments");
        var proofs = ReadByteStrings(ref wrapper, "proofs");
        var body = new RlpReader(bodyEncoding).ReadList();
        var transaction = DecodeBlob(body, new BlobSidecar(blobs, commitments, proofs));

        // The hash covers the canonical form: the type byte and the body alone.
        var canonical = new byte[1 + bodyEncoding.Length];
        canonical[0] = (byte)TxType.Blob;
        bodyEncoding.CopyTo(canonical.AsSpan(1));
        transaction.SetDecodedHash(Keccak256.Compute(canonical));
        return transaction;
    }

    private static Transaction DecodeDeposit(RlpReader fields)
    {
        ExpectFieldCount(fields, DepositFieldCount, TxType.Deposit);
        var sourceHash = ReadString(ref fields, "sourceHash");
        if (sourceHash.Length != Hash256.Length)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.MalformedRlp, $"A deposit's sourceHash has 32 bytes, got {sourceHash.Length}.")
            { Field = "sourceHash" };
        }

        var source = new Hash256(sourceHash);
        var from = ReadOptionalAddress(ref fields, "from") ?? throw new InvalidTransactionException(
            InvalidTransactionReason.InvalidAddress, "A deposit's 'from' must be a 20-byte address.")
        { Field = "from" };
        var to = ReadOptionalAddress(ref fields, "to");
        var mint = ReadUInt256(ref fields, "mint");
        var value = ReadUInt256(ref fields, "value");
        var gas = ReadUInt64(ref fields, "gas");
        var isSystem = ReadUInt64(ref fields, "isSystemTx") switch
        {
            0 => false,
            1 => true,
            var other => throw new InvalidTransactionException(
                InvalidTransactionReason.MalformedRlp, $"A deposit's isSystemTx is a boolean (0 or 1), got {other}.")
            { Field = "isSystemTx" },
        };
        var data = ReadString(ref fields, "data").ToArray();
        return new Transaction
        {
            Type = TxType.Deposit,
            SourceHash = source,
            From = from,
            To = to,
            Mint = mint,
            Value = value,
            GasLimit = gas,
            IsSystemTransaction = isSystem,
            Data = data,
        };
    }

    private static void ExpectFieldCount(RlpReader fields, int expected, TxType type, string what = "")
    {
        var count = 0;
        while (!fields.IsEnd)
        {
            fields.Skip();
            count++;
        }

        if (count != expected)
        {
            var name = what.Length > 0 ? what : type.ToString();
            throw new InvalidTransactionException(
                InvalidTransactionReason.WrongFieldCount,
                $"A {name} transaction has {expected} fields, got {count} (too {(count < expected ? "few" : "many")}).");
        }
    }

    private static ReadOnlySpan<byte> ReadString(ref RlpReader fields, string field)
    {
        if (fields.NextIsList)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.MalformedRlp, $"The field '{field}' must be an RLP string, found a list.")
            { Field = field };
        }

        return fields.ReadBytes();
    }

    private static ReadOnlySpan<byte> ReadIntegerBytes(ref RlpReader fields, string field, int maxBytes, InvalidTransactionReason overflowReason)
    {
        var bytes = ReadString(ref fields, field);
        if (bytes.Length > 0 && bytes[0] == 0)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.NonCanonicalInteger, $"The integer '{field}' has leading zero bytes.")
            { Field = field };
        }

        if (bytes.Length > maxBytes)
        {
            throw new InvalidTransactionException(
                overflowReason, $"The integer '{field}' has {bytes.Length} bytes; at most {maxBytes} fit ({maxBytes * 8} bits).")
            { Field = field };
        }

        return bytes;
    }

    private static ulong ReadUInt64(ref RlpReader fields, string field)
    {
        var bytes = ReadIntegerBytes(ref fields, field, 8, InvalidTransactionReason.IntegerOverflow);
        ulong value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static UInt256 ReadUInt256(ref RlpReader fields, string field, InvalidTransactionReason overflowReason = InvalidTransactionReason.IntegerOverflow) =>
        UInt256.FromBigEndian(ReadIntegerBytes(ref fields, field, UInt256.ByteLength, overflowReason));

    // The specifications make the chain id a 256-bit integer; a chain we serve has a 64-bit one, so a
    // wider value can only be some other chain's.
    private static ulong ReadChainId(ref RlpReader fields)
    {
        var value = ReadUInt256(ref fields, "chainId", InvalidTransactionReason.InvalidChainId);
        return value.FitsInUInt64
            ? value.U0
            : throw new InvalidTransactionException(
                InvalidTransactionReason.InvalidChainId, $"Chain id {value} is wider than 64 bits.")
            { Field = "chainId" };
    }

    private static Address? ReadOptionalAddress(ref RlpReader fields, string field)
    {
        var bytes = ReadString(ref fields, field);
        return bytes.Length switch
        {
            0 => null,
            Address.Length => new Address(bytes),
            _ => throw new InvalidTransactionException(
                InvalidTransactionReason.InvalidAddress,
                $"The address '{field}' has {bytes.Length} bytes; it must have 20 (or none, to create a contract).")
            { Field = field },
        };
    }

    private static Secp256k1Signature ReadTypedSignature(ref RlpReader fields)
    {
        var parity = ReadUInt64(ref fields, "yParity");
        if (parity > 1)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.InvalidSignature, $"yParity must be 0 or 1, got {parity}.")
            { Field = "yParity" };
        }

        var r = ReadUInt256(ref fields, "r", InvalidTransactionReason.InvalidSignature);
        var s = ReadUInt256(ref fields, "s", InvalidTransactionReason.InvalidSignature);
        return new Secp256k1Signature((byte)parity, r, s);
    }

    private static List<AccessListEntry> ReadAccessList(ref RlpReader fields)
    {
        if (!fields.NextIsList)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.MalformedRlp, "The access list must be an RLP list.")
            { Field = "accessList" };
        }

        var list = fields.ReadList();
        var entries = new List<AccessListEntry>();
        while (!list.IsEnd)
        {
            if (!list.NextIsList)
            {
                throw new InvalidTransactionException(
                    InvalidTransactionReason.MalformedRlp, $"Access list entry {entries.Count} must be a list [address, storageKeys].")
                { Field = "accessList" };
            }

            var entry = list.ReadList();
            var addressBytes = ReadString(ref entry, "accessList.address");
            if (addressBytes.Length != Address.Length)
            {
                throw new InvalidTransactionException(
                    InvalidTransactionReason.InvalidAddress,
                    $"Access list entry {entries.Count} has a {addressBytes.Length}-byte address; it must have 20.")
                { Field = "accessList" };
            }

            var address = new Address(addressBytes);
            if (!entry.NextIsList)
            {
                throw new InvalidTransactionException(
                    InvalidTransactionReason.MalformedRlp, $"Access list entry {entries.Count} must have a list of storage keys after its address.")
                { Field = "accessList" };
            }

            var keyList = entry.ReadList();
            if (!entry.IsEnd)
            {
                throw new InvalidTransactionException(
                    InvalidTransactionReason.MalformedRlp, $"Access list entry {entries.Count} has more than [address, storageKeys].")
                { Field = "accessList" };
            }

            var keys = new List<Hash256>();
            while (!keyList.IsEnd)
            {
                var key = ReadString(ref keyList, "accessList.storageKey");
                if (key.Length != Hash256.Length)
                {
                    throw new InvalidTransactionException(
                        InvalidTransactionReason.InvalidStorageKey,
                        $"Access list entry {entries.Count} has a {key.Length}-byte storage key; keys have 32.")
                    { Field = "accessList" };
                }

                keys.Add(new Hash256(key));
            }

            entries.Add(new AccessListEntry(address, keys));
        }

        return entries;
    }

    private static List<Hash256> ReadVersionedHashes(ref RlpReader fields)
    {
        if (!fields.NextIsList)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.MalformedRlp, "blobVersionedHashes must be an RLP list.")
            { Field = "blobVersionedHashes" };
        }

        var list = fields.ReadList();
        var hashes = new List<Hash256>();
        while (!list.IsEnd)
        {
            var hash = ReadString(ref list, "blobVersionedHashes");
            if (hash.Length != Hash256.Length)
            {
                throw new InvalidTransactionException(
                    InvalidTransactionReason.InvalidBlobVersionedHash,
                    $"Versioned hash {hashes.Count} has {hash.Length} bytes; it must have 32.")
                { Field = "blobVersionedHashes" };
            }

            hashes.Add(new Hash256(hash));
        }

        return hashes;
    }

    private static List<byte[]> ReadByteStrings(ref RlpReader wrapper, string field)
    {
        if (!wrapper.NextIsList)
        {
            throw new InvalidTransactionException(
                InvalidTransactionReason.MalformedRlp, $"The sidecar's {field} must be an RLP list.")
            { Field = field };
        }

        var list = wrapper.ReadList();
        var items = new List<byte[]>();
        while (!list.IsEnd)
        {
            items.Add(ReadString(ref list, field).ToArray());
        }

        return items;
    }
}
