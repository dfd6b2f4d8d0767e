using Hyperion.Core;

namespace Hyperion.Evm.Tests;

/// <summary>A tiny assembler for test programs: pushes with the shortest PUSH, opcodes, and the usual endings.</summary>
internal sealed class Bytecode
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public Bytecode Op(Opcode opcode)
    {
        _bytes.Add((byte)opcode);
        return this;
    }

    public Bytecode Op(params Opcode[] opcodes)
    {
        foreach (var opcode in opcodes)
        {
            _bytes.Add((byte)opcode);
        }

        return this;
    }

    public Bytecode Push(UInt256 value)
    {
        if (value.IsZero)
        {
            return Op(Opcode.PUSH0);
        }

        var bytes = value.ToBigEndianTrimmed();
        _bytes.Add((byte)((int)Opcode.PUSH1 + bytes.Length - 1));
        _bytes.AddRange(bytes);
        return this;
    }

    public Bytecode Push(ulong value) => Push(new UInt256(value));

    /// <summary>PUSH32 of a full word, whatever its value.</summary>
    public Bytecode Push32(UInt256 value)
    {
        _bytes.Add((byte)Opcode.PUSH32);
        _bytes.AddRange(value.ToBigEndian());
        return this;
    }

    public Bytecode Push(Address address)
    {
        _bytes.Add((byte)Opcode.PUSH20);
        _bytes.AddRange(address.ToArray());
        return this;
    }

    public Bytecode Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    /// <summary>SSTORE(slot, top of stack).</summary>
    public Bytecode StoreTopAt(ulong slot) => Push(slot).Op(Opcode.SSTORE);

    /// <summary>Returns the top of the stack as one 32-byte word.</summary>
    public Bytecode ReturnTop() => Push(0).Op(Opcode.MSTORE).Push(32).Push(0).Op(Opcode.RETURN);

    /// <summary>Init code that deploys <paramref name="runtime"/> (copies it from after itself and returns it).</summary>
    public static byte[] Deploying(byte[] runtime)
    {
        // PUSH2 len, DUP1, PUSH1 offset, PUSH0, CODECOPY, PUSH0, RETURN: 10 bytes before the runtime.
        const int prefix = 10;
        var init = new Bytecode()
            .Raw((byte)Opcode.PUSH2, (byte)(runtime.Length >> 8), (byte)runtime.Length)
            .Op(Opcode.DUP1)
            .Raw((byte)Opcode.PUSH1, prefix)
            .Op(Opcode.PUSH0, Opcode.CODECOPY, Opcode.PUSH0, Opcode.RETURN)
            .ToArray();
        return [.. init, .. runtime];
    }

    public byte[] ToArray() => [.. _bytes];

    public static implicit operator byte[](Bytecode code) => code.ToArray();
}
