using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Rlp;

namespace Hyperion.Execution.Evm;

/// <summary>
/// An Ethereum block header through Cancun: the fifteen fields of the original header, then those later forks
/// appended (London's base fee, Shanghai's withdrawals root, Cancun's blob gas fields and parent beacon block root),
/// null when absent.
/// </summary>
public sealed record BlockHeader
{
    public Hash256 ParentHash { get; init; }

    public Hash256 OmmersHash { get; init; } = Keccak256.OfEmptyList;

    public Address Coinbase { get; init; }

    public Hash256 StateRoot { get; init; }

    public Hash256 TransactionsRoot { get; init; }

    public Hash256 ReceiptsRoot { get; init; }

    public byte[] LogsBloom { get; init; } = new byte[256];

    public UInt256 Difficulty { get; init; }

    public ulong Number { get; init; }

    public ulong GasLimit { get; init; }

    public ulong GasUsed { get; init; }

    public ulong Timestamp { get; init; }

    public byte[] ExtraData { get; init; } = [];

    /// <summary>After the merge, PREVRANDAO (EIP-4399).</summary>
    public Hash256 MixHash { get; init; }

    public ulong Nonce { get; init; }

    public UInt256? BaseFeePerGas { get; init; }

    public Hash256? WithdrawalsRoot { get; init; }

    public ulong? BlobGasUsed { get; init; }

    public ulong? ExcessBlobGas { get; init; }

    public Hash256? ParentBeaconBlockRoot { get; init; }

    /// <summary>keccak(rlp(header)). Decoding is strict, so a decoded header encodes back to the bytes it came from.</summary>
    public Hash256 Hash => Keccak256.Compute(Encode());

    public byte[] Encode()
    {
        var writer = new RlpWriter(600);
        writer.StartList()
            .WriteHash(ParentHash)
            .WriteHash(OmmersHash)
            .WriteAddress(Coinbase)
            .WriteHash(StateRoot)
            .WriteHash(TransactionsRoot)
            .WriteHash(ReceiptsRoot)
            .WriteBytes(LogsBloom)
            .WriteUInt256(Difficulty)
            .WriteUInt64(Number)
            .WriteUInt64(GasLimit)
            .WriteUInt64(GasUsed)
            .WriteUInt64(Timestamp)
            .WriteBytes(ExtraData)
            .WriteHash(MixHash);
        Span<byte> nonce = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(nonce, Nonce);
        writer.WriteBytes(nonce);

        // Each later field is present only when every one before it is.
        if (BaseFeePerGas is { } baseFee)
        {
            writer.WriteUInt256(baseFee);
            if (WithdrawalsRoot is { } withdrawalsRoot)
            {
                writer.WriteHash(withdrawalsRoot);
                if (BlobGasUsed is { } blobGasUsed && ExcessBlobGas is { } excessBlobGas)
                {
                    writer.WriteUInt64(blobGasUsed).WriteUInt64(excessBlobGas);
                    if (ParentBeaconBlockRoot is { } beaconRoot)
                    {
                        writer.WriteHash(beaconRoot);
                    }
                }
            }
        }

        return writer.EndList().ToArray();
    }

    /// <summary>Decodes rlp(header); throws <see cref="RlpException"/> for anything else.</summary>
    public static BlockHeader Decode(ReadOnlySpan<byte> encoded)
    {
        var outer = new RlpReader(encoded);
        var fields = outer.ReadList();
        outer.EnsureEnd();
        var header = new BlockHeader
        {
            ParentHash = fields.ReadHash(),
            OmmersHash = fields.ReadHash(),
            Coinbase = fields.ReadAddress(),
            StateRoot = fields.ReadHash(),
            TransactionsRoot = fields.ReadHash(),
            ReceiptsRoot = fields.ReadHash(),
            LogsBloom = ReadFixed(ref fields, 256, "logs bloom"),
            Difficulty = fields.ReadUInt256(),
            Number = fields.ReadUInt64(),
            GasLimit = fields.ReadUInt64(),
            GasUsed = fields.ReadUInt64(),
            Timestamp = fields.ReadUInt64(),
            ExtraData = fields.ReadBytes().ToArray(),
            MixHash = fields.ReadHash(),
            Nonce = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(ReadFixed(ref fields, 8, "nonce")),
        };
        if (!fields.IsEnd)
        {
            header = header with { BaseFeePerGas = fields.ReadUInt256() };
        }

        if (!fields.IsEnd)
        {
            header = header with { WithdrawalsRoot = fields.ReadHash() };
        }

        if (!fields.IsEnd)
        {
            header = header with { BlobGasUsed = fields.ReadUInt64(), ExcessBlobGas = fields.ReadUInt64() };
        }

        if (!fields.IsEnd)
        {
            header = header with { ParentBeaconBlockRoot = fields.ReadHash() };
        }

        fields.EnsureEnd();
        return header;
    }

    private static byte[] ReadFixed(ref RlpReader reader, int length, string what)
    {
        var bytes = reader.ReadBytes();
        return bytes.Length == length
            ? bytes.ToArray()
            : throw new RlpException($"RLP: the header's {what} has {bytes.Length} bytes, not {length}.");
    }
}
