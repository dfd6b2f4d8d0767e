using Hyperion.Core.Crypto;
using Hyperion.Core.Rlp;

namespace Hyperion.Core.Transactions;

public sealed partial record Transaction
{
    /// <summary>The canonical binary form: a legacy transaction's RLP list, or type ‖ rlp(fields) (a blob
    /// transaction without its sidecar). This is what blocks hold and what <see cref="Hash"/> covers.</summary>
    public byte[] Encode()
    {
        var writer = new RlpWriter(EstimateLength());
        WriteCanonical(writer);
        return writer.ToArray();
    }

    /// <summary>The form for the network and <c>eth_sendRawTransaction</c>: for a blob transaction with a
    /// sidecar, 0x03 ‖ rlp([body, blobs, commitments, proofs]); for everything else the canonical form.</summary>
    public byte[] EncodeNetworkForm()
    {
        if (Type != TxType.Blob || Sidecar is null)
        {
            return Encode();
        }

        var writer = new RlpWriter(EstimateLength() + (Sidecar.Blobs.Count * (BlobSidecar.BlobLength + 110)));
        writer.WriteEncoded([(byte)TxType.Blob]);
        writer.StartList();
        writer.StartList();
        WriteFields(writer, withSignature: true);
        writer.EndList();
        WriteByteStrings(writer, Sidecar.Blobs);
        WriteByteStrings(writer, Sidecar.Commitments);
        WriteByteStrings(writer, Sidecar.Proofs);
        writer.EndList();
        return writer.ToArray();
    }

    /// <summary>
    /// The hash the sender signs: keccak of rlp([nonce, gasPrice, gas, to, value, data]) for a legacy
    /// transaction without a chain id, the same list followed by [chainId, 0, 0] under EIP-155, and
    /// keccak(type ‖ rlp(fields without the signature)) for typed transactions. Uses <see cref="ChainId"/>.
    /// </summary>
    public Hash256 SigningHash() => Keccak256.Compute(SigningPayload());

    /// <summary>The signing hash as if the transaction named <paramref name="chainId"/>; for a legacy
    /// transaction, null gives the pre-EIP-155 form.</summary>
    public Hash256 SigningHash(ulong? chainId) =>
        chainId == ChainId ? SigningHash() : (this with { ChainId = chainId }).SigningHash();

    /// <summary>Writes the transaction as a block body holds it: a legacy list as is, a typed transaction as
    /// an RLP string around its binary form.</summary>
    public void WriteTo(RlpWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Type == TxType.Legacy)
        {
            WriteCanonical(writer);
        }
        else
        {
            writer.WriteBytes(Encode());
        }
    }

    private byte[] SigningPayload()
    {
        if (Type == TxType.Deposit)
        {
            throw new InvalidOperationException("Deposit transactions are not signed, so they have no signing hash.");
        }

        var writer = new RlpWriter(EstimateLength());
        if (Type != TxType.Legacy)
        {
            writer.WriteEncoded([(byte)Type]);
        }

        writer.StartList();
        WriteFields(writer, withSignature: false);
        if (Type == TxType.Legacy && ChainId is { } chainId)
        {
            writer.WriteUInt64(chainId).WriteUInt64(0).WriteUInt64(0);
        }

        writer.EndList();
        return writer.ToArray();
    }

    private void WriteCanonical(RlpWriter writer)
    {
        if (Type != TxType.Deposit && Signature is null)
        {
            throw new InvalidOperationException("Only signed transactions (and deposits) have a binary form; sign it first.");
        }

        if (Type != TxType.Legacy)
        {
            writer.WriteEncoded([(byte)Type]);
        }

        writer.StartList();
        WriteFields(writer, withSignature: true);
        writer.EndList();
    }

    // The list items in the order each type's specification gives them.
    private void WriteFields(RlpWriter writer, bool withSignature)
    {
        switch (Type)
        {
            case TxType.Legacy:
                writer.WriteUInt64(Nonce).WriteUInt256(GasPrice).WriteUInt64(GasLimit).WriteOptionalAddress(To)
                    .WriteUInt256(Value).WriteBytes(Data);
                if (withSignature)
                {
                    var signature = Signature!.Value;
                    writer.WriteUInt256(LegacyV).WriteUInt256(signature.R).WriteUInt256(signature.S);
                }

                return;

            case TxType.AccessList:
                writer.WriteUInt64(RequireChainId()).WriteUInt64(Nonce).WriteUInt256(GasPrice).WriteUInt64(GasLimit)
                    .WriteOptionalAddress(To).WriteUInt256(Value).WriteBytes(Data);
                WriteAccessList(writer);
                break;

            case TxType.DynamicFee:
                writer.WriteUInt64(RequireChainId()).WriteUInt64(Nonce).WriteUInt256(MaxPriorityFeePerGas).WriteUInt256(MaxFeePerGas)
                    .WriteUInt64(GasLimit).WriteOptionalAddress(To).WriteUInt256(Value).WriteBytes(Data);
                WriteAccessList(writer);
                break;

            case TxType.Blob:
                writer.WriteUInt64(RequireChainId()).WriteUInt64(Nonce).WriteUInt256(MaxPriorityFeePerGas).WriteUInt256(MaxFeePerGas)
                    .WriteUInt64(GasLimit).WriteAddress(To ?? throw new InvalidOperationException("A blob transaction cannot create a contract: 'to' is required."))
                    .WriteUInt256(Value).WriteBytes(Data);
                WriteAccessList(writer);
                writer.WriteUInt256(MaxFeePerBlobGas);
                writer.StartList();
                foreach (var hash in BlobVersionedHashes)
                {
                    writer.WriteHash(hash);
                }

                writer.EndList();
                break;

            case TxType.Deposit:
                writer.WriteHash(SourceHash)
                    .WriteAddress(From ?? throw new InvalidOperationException("A deposit transaction needs 'from'."))
                    .WriteOptionalAddress(To).WriteUInt256(Mint).WriteUInt256(Value).WriteUInt64(GasLimit)
                    .WriteBool(IsSystemTransaction).WriteBytes(Data);
                return;

            default:
                throw new InvalidOperationException($"Unknown transaction type 0x{(byte)Type:x2}.");
        }

        if (withSignature)
        {
            var signature = Signature!.Value;
            writer.WriteUInt64(signature.YParity).WriteUInt256(signature.R).WriteUInt256(signature.S);
        }
    }

    private void WriteAccessList(RlpWriter writer)
    {
        writer.StartList();
        foreach (var entry in AccessList)
        {
            writer.StartList().WriteAddress(entry.Address).StartList();
            foreach (var key in entry.StorageKeys)
            {
                writer.WriteHash(key);
            }

            writer.EndList().EndList();
        }

        writer.EndList();
    }

    private static void WriteByteStrings(RlpWriter writer, IReadOnlyList<byte[]> items)
    {
        writer.StartList();
        foreach (var item in items)
        {
            writer.WriteBytes(item);
        }

        writer.EndList();
    }

    private ulong RequireChainId() =>
        ChainId ?? throw new InvalidOperationException($"A {Type} transaction needs a chain id.");

    private int EstimateLength() => 160 + Data.Length + (AccessList.Count * 64) + (BlobVersionedHashes.Count * 33);
}
