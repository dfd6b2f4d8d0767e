namespace Hyperion.Evm;

/// <summary>
/// Observes execution. The interpreter is generic over a struct tracer, so with <see cref="NoTracer"/> the
/// JIT compiles the calls away and tracing costs nothing.
/// </summary>
public interface ITracer
{
    /// <summary>False for tracers that ignore steps, which skips even gathering their arguments.</summary>
    bool IsEnabled { get; }

    /// <summary>Before <paramref name="opcode"/> runs at <see cref="EvmFrame.Pc"/>, with the gas before it.</summary>
    void OnStep(EvmFrame frame, Opcode opcode);

    /// <summary>After a frame halted (before its changes are kept or reverted).</summary>
    void OnFrameEnd(EvmFrame frame, EvmStatus status);
}

/// <summary>The tracer that does nothing.</summary>
public struct NoTracer : ITracer
{
    public readonly bool IsEnabled => false;

    public readonly void OnStep(EvmFrame frame, Opcode opcode)
    {
    }

    public readonly void OnFrameEnd(EvmFrame frame, EvmStatus status)
    {
    }
}
