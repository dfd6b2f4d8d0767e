using System.Globalization;
using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// A small EVM assembler, so that the test contracts are written (and read) as assembly rather than hex. Syntax,
/// one token at a time, whitespace-separated, <c>;</c> to the end of a line is a comment:
/// a mnemonic (<c>SSTORE</c>); <c>PUSH n</c> (the narrowest PUSH for n, decimal or 0x-hex; PUSH0 for zero);
/// <c>PUSHk n</c> (that width exactly); <c>name:</c> (a JUMPDEST, named); <c>@name</c> (PUSH2 of that JUMPDEST's offset).
/// </summary>
internal static class Assembler
{
    public static byte[] Assemble(string source)
    {
        var code = new List<byte>();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var fixups = new List<(int Position, string Label)>();
        var tokens = Tokenize(source);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.EndsWith(':'))
            {
                labels.Add(token[..^1], code.Count);
                code.Add((byte)Opcode.JUMPDEST);
            }
            else if (token.StartsWith('@'))
            {
                code.Add((byte)Opcode.PUSH2);
                fixups.Add((code.Count, token[1..]));
                code.Add(0);
                code.Add(0);
            }
            else if (token == "PUSH")
            {
                var value = ParseNumber(tokens[++i]);
                if (value.IsZero)
                {
                    code.Add((byte)Opcode.PUSH0);
                    continue;
                }

                AddPush(code, value, value.ByteCount);
            }
            else if (token.StartsWith("PUSH", StringComparison.Ordinal) && token != "PUSH0")
            {
                AddPush(code, ParseNumber(tokens[++i]), int.Parse(token.AsSpan(4), CultureInfo.InvariantCulture));
            }
            else
            {
                code.Add((byte)Enum.Parse<Opcode>(token));
            }
        }

        foreach (var (position, label) in fixups)
        {
            var target = labels[label];
            code[position] = (byte)(target >> 8);
            code[position + 1] = (byte)target;
        }

        return [.. code];
    }

    /// <summary>Init code that deploys <paramref name="runtime"/> as is: copies it to memory and returns it.</summary>
    public static byte[] Deployer(byte[] runtime, string prologue = "")
    {
        // The init code's own length depends on the PUSH widths only, which are fixed here (PUSH2), so two passes settle it.
        var header = Assemble($"{prologue} PUSH2 {runtime.Length} DUP1 PUSH2 0 PUSH0 CODECOPY PUSH0 RETURN");
        header = Assemble($"{prologue} PUSH2 {runtime.Length} DUP1 PUSH2 {header.Length} PUSH0 CODECOPY PUSH0 RETURN");
        return [.. header, .. runtime];
    }

    private static void AddPush(List<byte> code, in UInt256 value, int width)
    {
        if (width is < 1 or > 32 || value.ByteCount > width)
        {
            throw new ArgumentException($"{value} does not fit in PUSH{width}.", nameof(width));
        }

        code.Add((byte)((int)Opcode.PUSH1 + width - 1));
        Span<byte> word = stackalloc byte[32];
        value.WriteBigEndian(word);
        code.AddRange(word[(32 - width)..]);
    }

    private static UInt256 ParseNumber(string text) => UInt256.Parse(text);

    private static List<string> Tokenize(string source)
    {
        var tokens = new List<string>();
        foreach (var line in source.Split('\n'))
        {
            var comment = line.IndexOf(';', StringComparison.Ordinal);
            var text = comment >= 0 ? line[..comment] : line;
            tokens.AddRange(text.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries));
        }

        return tokens;
    }
}
