using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>
/// Contract code with its JUMPDEST analysis: one bit per byte that marks the JUMPDEST opcodes which are not
/// inside PUSH data. Built once per code hash (see <see cref="CodeAnalysisCache"/>) and shared by every
/// execution of that code, so it is immutable.
/// </summary>
public sealed class CodeInfo
{
    private readonly ulong[] _jumpDestinations;

    public CodeInfo(byte[] code)
    {
        ArgumentNullException.ThrowIfNull(code);
        Code = code;
        _jumpDestinations = Analyze(code);
    }

    public static CodeInfo Empty { get; } = new([]);

    public byte[] Code { get; }

    public int Length => Code.Length;

    /// <summary>Whether <paramref name="destination"/> is a JUMPDEST instruction (not a 0x5b byte of PUSH data).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsValidJumpDestination(int destination) =>
        (uint)destination < (uint)Code.Length && (_jumpDestinations[destination >> 6] & (1UL << (destination & 63))) != 0;

    private static ulong[] Analyze(byte[] code)
    {
        var bitmap = new ulong[(code.Length + 63) / 64];
        var pc = 0;
        while (pc < code.Length)
        {
            var op = code[pc];
            if (op == (byte)Opcode.JUMPDEST)
            {
                bitmap[pc >> 6] |= 1UL << (pc & 63);
                pc++;
            }
            else if (op >= (byte)Opcode.PUSH1 && op <= (byte)Opcode.PUSH32)
            {
                pc += op - (byte)Opcode.PUSH1 + 2;
            }
            else
            {
                pc++;
            }
        }

        return bitmap;
    }
}

/// <summary>
/// Code analyses by code hash, shared by every transaction and thread of a node: deployed code is
/// immutable, so an analysis never goes stale. Bounded: when full it is cleared, which only costs
/// re-analysis.
/// </summary>
public sealed class CodeAnalysisCache
{
    private readonly ConcurrentDictionary<Hash256, CodeInfo> _analyses = new();
    private readonly int _capacity;

    public CodeAnalysisCache(int capacity = 16_384)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>A cache for one process; the default for processors built without one.</summary>
    public static CodeAnalysisCache Shared { get; } = new();

    public int Count => _analyses.Count;

    /// <summary>The analysis of <paramref name="code"/>, whose hash is <paramref name="codeHash"/>.</summary>
    public CodeInfo GetOrAdd(in Hash256 codeHash, byte[] code)
    {
        if (_analyses.TryGetValue(codeHash, out var info))
        {
            return info;
        }

        if (code.Length == 0)
        {
            // Never kept: empty code needs no analysis, and a reader that could not find the code of a real hash (a
            // speculative one that read a torn or not yet published account) must not leave "no code" under that hash
            // for every later transaction of the node.
            return CodeInfo.Empty;
        }

        info = new CodeInfo(code);
        if (_analyses.Count >= _capacity)
        {
            _analyses.Clear();
        }

        _analyses[codeHash] = info;
        return info;
    }
}
