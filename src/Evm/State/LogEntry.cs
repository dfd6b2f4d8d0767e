using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Rlp;

namespace Hyperion.Evm;

/// <summary>An event emitted by LOG0..LOG4.</summary>
public sealed record LogEntry(Address Address, IReadOnlyList<Hash256> Topics, byte[] Data)
{
    /// <summary>Writes rlp([address, [topics...], data]) as receipts hold it.</summary>
    public void WriteTo(RlpWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.StartList().WriteAddress(Address).StartList();
        foreach (var topic in Topics)
        {
            writer.WriteHash(topic);
        }

        writer.EndList().WriteBytes(Data).EndList();
    }

    /// <summary>keccak(rlp([log, ...])): the "logs" hash that state tests compare.</summary>
    public static Hash256 HashLogs(IReadOnlyList<LogEntry> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var writer = new RlpWriter();
        writer.StartList();
        foreach (var log in logs)
        {
            log.WriteTo(writer);
        }

        writer.EndList();
        return Keccak256.Compute(writer.WrittenSpan);
    }
}
