using System.Runtime.CompilerServices;
using Hyperion.Core;

namespace Hyperion.Evm;

/// <summary>
/// A frame's byte-addressed memory. It grows in 32-byte words and every growth is paid for with the
/// quadratic cost 3·w + w²/512 (of the total size w in words); <see cref="TryExpand(ref long, in UInt256, in UInt256)"/>
/// charges the difference. The buffer is reused by the next frame at the same depth, so a reset clears
/// only what was used.
/// </summary>
public sealed class EvmMemory
{
    /// <summary>The largest size whose cost is computed without overflow (as go-ethereum bounds it); beyond it
    /// no gas limit could pay.</summary>
    public const ulong MaxSize = 0x1F_FFFF_FFE0;

    private byte[] _buffer = new byte[1024];

    /// <summary>The backing array (longer than <see cref="Size"/>); a child call reads its calldata from it in place.</summary>
    internal byte[] Buffer => _buffer;

    /// <summary>The active size in bytes (MSIZE), always a multiple of 32.</summary>
    public ulong Size { get; private set; }

    /// <summary>The gas of a memory of <paramref name="words"/> words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Cost(ulong words) => (long)((words * GasCosts.Memory) + (words * words / GasCosts.QuadraticMemoryDivisor));

    /// <summary>
    /// Makes [offset, offset + length) addressable, charging the expansion to <paramref name="gas"/>. A zero
    /// length touches nothing, whatever the offset. False when the gas does not cover it (or the range is beyond
    /// any gas): the caller halts with out-of-gas.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryExpand(ref long gas, in UInt256 offset, in UInt256 length)
    {
        if (length.IsZero)
        {
            return true;
        }

        if ((offset.U1 | offset.U2 | offset.U3 | length.U1 | length.U2 | length.U3) != 0
            || offset.U0 > MaxSize || length.U0 > MaxSize)
        {
            return false;
        }

        return TryExpandTo(ref gas, offset.U0 + length.U0);
    }

    /// <summary>Makes [0, <paramref name="end"/>) addressable; see <see cref="TryExpand(ref long, in UInt256, in UInt256)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryExpandTo(ref long gas, ulong end) => end <= Size || Grow(ref gas, end);

    private bool Grow(ref long gas, ulong end)
    {
        if (end > MaxSize)
        {
            return false;
        }

        var newWords = (end + 31) / 32;
        gas -= Cost(newWords) - Cost(Size / 32);
        if (gas < 0)
        {
            return false;
        }

        var newSize = newWords * 32;
        if (newSize > (ulong)_buffer.Length)
        {
            if (newSize > (ulong)Array.MaxLength)
            {
                // Paid for but not representable in one array: only a gas limit in the trillions gets here.
                return false;
            }

            var grown = new byte[Math.Max(newSize, Math.Min((ulong)Array.MaxLength, (ulong)_buffer.Length * 2))];
            _buffer.AsSpan(0, (int)Size).CopyTo(grown);
            _buffer = grown;
        }

        Size = newSize;
        return true;
    }

    /// <summary>The bytes [offset, offset + length); the range must have been expanded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Slice(ulong offset, ulong length) => _buffer.AsSpan((int)offset, (int)length);

    /// <summary>The bytes [offset, offset + length), or nothing for a zero length (whose offset may be anything).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Slice(in UInt256 offset, in UInt256 length) =>
        length.IsZero ? [] : _buffer.AsSpan((int)offset.U0, (int)length.U0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public UInt256 LoadWord(ulong offset) => UInt256.FromBigEndian(_buffer.AsSpan((int)offset, 32));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreWord(ulong offset, in UInt256 value) => value.WriteBigEndian(_buffer.AsSpan((int)offset, 32));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreByte(ulong offset, byte value) => _buffer[(int)offset] = value;

    /// <summary>Copies within memory (MCOPY); the ranges may overlap.</summary>
    public void Copy(ulong destination, ulong source, ulong length) =>
        _buffer.AsSpan((int)source, (int)length).CopyTo(_buffer.AsSpan((int)destination, (int)length));

    /// <summary>Writes <paramref name="source"/> at <paramref name="offset"/> and zero-fills up to <paramref name="length"/>
    /// bytes: the *COPY opcodes read past the end of their source as zeros.</summary>
    public void WritePadded(ulong offset, ulong length, ReadOnlySpan<byte> source)
    {
        var destination = _buffer.AsSpan((int)offset, (int)length);
        if (source.Length >= destination.Length)
        {
            source[..destination.Length].CopyTo(destination);
            return;
        }

        source.CopyTo(destination);
        destination[source.Length..].Clear();
    }

    /// <summary>Back to size zero for the next frame, clearing only what was used.</summary>
    public void Reset()
    {
        _buffer.AsSpan(0, (int)Size).Clear();
        Size = 0;
    }
}
