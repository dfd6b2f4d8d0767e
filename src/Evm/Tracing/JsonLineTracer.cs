using System.Globalization;
using System.Text;

namespace Hyperion.Evm;

/// <summary>
/// Writes one JSON object per step, close to EIP-3155 (pc, op, gas, stack, depth), for comparing an execution
/// with another client's trace.
/// </summary>
public readonly struct JsonLineTracer : ITracer
{
    private readonly TextWriter _writer;

    public JsonLineTracer(TextWriter writer)
    {
        _writer = writer;
    }

    public bool IsEnabled => true;

    public void OnStep(EvmFrame frame, Opcode opcode)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var line = new StringBuilder(128);
        line.Append(CultureInfo.InvariantCulture, $"{{\"pc\":{frame.Pc},\"op\":{(byte)opcode},\"gas\":\"0x{frame.Gas:x}\",\"memSize\":{frame.MemorySize},\"stack\":[");
        var stack = frame.Stack;
        for (var i = 0; i < stack.Length; i++)
        {
            line.Append(i == 0 ? "\"" : ",\"").Append(stack[i].ToHexQuantity()).Append('"');
        }

        line.Append(CultureInfo.InvariantCulture, $"],\"depth\":{frame.Depth + 1},\"opName\":\"{(Enum.IsDefined(opcode) ? opcode.ToString() : "INVALID")}\"}}");
        _writer.WriteLine(line.ToString());
    }

    public void OnFrameEnd(EvmFrame frame, EvmStatus status)
    {
        ArgumentNullException.ThrowIfNull(frame);
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"depth\":{frame.Depth + 1},\"status\":\"{status}\",\"gasLeft\":\"0x{frame.Gas:x}\"}}"));
    }
}
