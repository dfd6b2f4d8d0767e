using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Inference.Runtime;

namespace Hyperion.Grains.Inference;

/// <summary>
/// The pin of one inference call, as the precompile logs it in the receipt:
/// <c>event InferencePinned(bytes32 indexed modelId, bytes32 indexed inputHash, bytes32 outputHash, bytes32[] boundaryHashes, bytes input)</c>
/// from address 0x…0a11. Topics: the event's signature hash, the model id, the input hash; data: the ABI encoding of
/// the rest. The input travels in the log because the pinned computation cannot be re-run without it (a contract may
/// compute its input, so the transaction's calldata does not hold it); the caller has paid at least the calldata price
/// per input byte, more than a log's 8 gas per byte.
/// </summary>
public sealed record InferencePin(InferenceCommitment Commitment, byte[] Input)
{
    /// <summary>The event signature.</summary>
    public const string EventSignature = "InferencePinned(bytes32,bytes32,bytes32,bytes32[],bytes)";

    /// <summary>keccak256 of <see cref="EventSignature"/>: topic 0.</summary>
    public static readonly Hash256 EventTopic = Keccak256.Compute(Encoding.ASCII.GetBytes(EventSignature));

    public IReadOnlyList<Hash256> Topics => [EventTopic, Commitment.ModelId, Commitment.InputHash];

    /// <summary>abi.encode(outputHash, boundaryHashes, input).</summary>
    public byte[] EncodeData()
    {
        var boundaries = Commitment.BoundaryHashes;
        var arrayOffset = 3 * 32;
        var bytesOffset = arrayOffset + 32 + (32 * boundaries.Length);
        var paddedInput = (Input.Length + 31) / 32 * 32;
        var data = new byte[bytesOffset + 32 + paddedInput];
        Commitment.OutputHash.CopyTo(data);
        WriteWord(data.AsSpan(32), (ulong)arrayOffset);
        WriteWord(data.AsSpan(64), (ulong)bytesOffset);
        WriteWord(data.AsSpan(arrayOffset), (ulong)boundaries.Length);
        for (var index = 0; index < boundaries.Length; index++)
        {
            boundaries[index].CopyTo(data.AsSpan(arrayOffset + 32 + (32 * index)));
        }

        WriteWord(data.AsSpan(bytesOffset), (ulong)Input.Length);
        Input.CopyTo(data.AsSpan(bytesOffset + 32));
        return data;
    }

    /// <summary>Reads a pin from a log's topics and data; false when the log is not a well-formed pin.</summary>
    public static bool TryDecode(IReadOnlyList<Hash256> topics, ReadOnlySpan<byte> data, out InferencePin? pin)
    {
        ArgumentNullException.ThrowIfNull(topics);
        pin = null;
        if (topics.Count != 3 || topics[0] != EventTopic || data.Length < 96)
        {
            return false;
        }

        var outputHash = new Hash256(data[..32]);
        if (!TryReadOffset(data, 32, out var arrayOffset) || !TryReadOffset(data, 64, out var bytesOffset)
            || !TryReadOffset(data, arrayOffset, out var count) || count > (data.Length - arrayOffset - 32) / 32)
        {
            return false;
        }

        var boundaries = ImmutableArray.CreateBuilder<Hash256>(count);
        for (var index = 0; index < count; index++)
        {
            boundaries.Add(new Hash256(data.Slice(arrayOffset + 32 + (32 * index), 32)));
        }

        if (!TryReadOffset(data, bytesOffset, out var length) || length > data.Length - bytesOffset - 32)
        {
            return false;
        }

        var input = data.Slice(bytesOffset + 32, length).ToArray();
        pin = new InferencePin(new InferenceCommitment(topics[1], topics[2], boundaries.MoveToImmutable(), outputHash), input);
        return true;
    }

    internal static void WriteWord(Span<byte> destination, ulong value)
    {
        destination[..24].Clear();
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(24, 8), value);
    }

    /// <summary>A word at <paramref name="position"/> that fits an int and lies inside the data.</summary>
    internal static bool TryReadOffset(ReadOnlySpan<byte> data, int position, out int value)
    {
        value = 0;
        if (position < 0 || position > data.Length - 32 || data.Slice(position, 24).ContainsAnyExcept((byte)0))
        {
            return false;
        }

        var word = BinaryPrimitives.ReadUInt64BigEndian(data.Slice(position + 24, 8));
        if (word > int.MaxValue)
        {
            return false;
        }

        value = (int)word;
        return true;
    }
}
