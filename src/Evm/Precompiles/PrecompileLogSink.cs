using Hyperion.Core;

namespace Hyperion.Evm.Precompiles;

/// <summary>
/// Where an <see cref="ILoggingPrecompile"/> emits its logs: the transaction's journal, under the precompile's own
/// address. Whether the call is static is passed on, and the precompile decides: unlike LOG0..LOG4, a log from a
/// precompile is not refused in a static context.
/// </summary>
public readonly struct PrecompileLogSink
{
    private readonly JournaledState _state;

    public PrecompileLogSink(JournaledState state, Address address, bool isStaticCall)
    {
        ArgumentNullException.ThrowIfNull(state);
        _state = state;
        Address = address;
        IsStaticCall = isStaticCall;
    }

    /// <summary>The precompile's address, which the logs carry.</summary>
    public Address Address { get; }

    /// <summary>Whether the precompile was reached through STATICCALL, directly or below one.</summary>
    public bool IsStaticCall { get; }

    /// <summary>Adds a log with up to four topics.</summary>
    public void Emit(IReadOnlyList<Hash256> topics, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(topics.Count, 4, nameof(topics));
        _state.AddLog(new LogEntry(Address, [.. topics], data));
    }
}
