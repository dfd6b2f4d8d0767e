using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.Evm;

/// <summary>The 2048-bit bloom filter of receipts and block headers over log addresses and topics.</summary>
public sealed class LogsBloom
{
    public const int ByteLength = 256;

    private readonly byte[] _bits = new byte[ByteLength];

    public ReadOnlySpan<byte> Bytes => _bits;

    public static LogsBloom From(IEnumerable<LogEntry> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var bloom = new LogsBloom();
        if (logs is IReadOnlyList<LogEntry> list)
        {
            // A transaction's logs come as a list: indexed, without an enumerator object for every transaction.
            for (var index = 0; index < list.Count; index++)
            {
                bloom.Add(list[index]);
            }

            return bloom;
        }

        foreach (var log in logs)
        {
            bloom.Add(log);
        }

        return bloom;
    }

    public void Add(LogEntry log)
    {
        ArgumentNullException.ThrowIfNull(log);
        AddValue(log.Address.Bytes);
        var topics = log.Topics;
        for (var index = 0; index < topics.Count; index++)
        {
            AddValue(topics[index].Bytes);
        }
    }

    /// <summary>Sets the three bits that keccak(<paramref name="value"/>) selects (11 bits from each of its first three byte pairs).</summary>
    public void AddValue(ReadOnlySpan<byte> value)
    {
        Span<byte> hash = stackalloc byte[Keccak256.HashLength];
        Keccak256.Compute(value, hash);
        for (var i = 0; i < 6; i += 2)
        {
            var bit = ((hash[i] << 8) | hash[i + 1]) & 2047;
            _bits[ByteLength - 1 - (bit / 8)] |= (byte)(1 << (bit % 8));
        }
    }

    public bool MightContain(ReadOnlySpan<byte> value)
    {
        Span<byte> hash = stackalloc byte[Keccak256.HashLength];
        Keccak256.Compute(value, hash);
        for (var i = 0; i < 6; i += 2)
        {
            var bit = ((hash[i] << 8) | hash[i + 1]) & 2047;
            if ((_bits[ByteLength - 1 - (bit / 8)] & (1 << (bit % 8))) == 0)
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Hex.Encode(_bits);
}
