using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Rlp;

namespace Hyperion.State.Tests;

/// <summary>
/// The trie root straight from the yellow paper's definition (appendix D), computed from the whole key
/// set at once with Core's RLP writer and none of the production trie code: an independent oracle for
/// the incremental trie.
/// </summary>
internal static class ReferenceTrieRoot
{
    public static Hash256 Compute(IEnumerable<KeyValuePair<byte[], byte[]>> entries)
    {
        var items = entries.Select(entry => (Path: ToNibbles(entry.Key), entry.Value)).ToList();
        return items.Count == 0 ? Keccak256.Compute([Rlp.EmptyString]) : Keccak256.Compute(Structure(items, 0));
    }

    /// <summary>c(J, i): the RLP of the node for the keys <paramref name="items"/>, which agree up to <paramref name="depth"/>.</summary>
    private static byte[] Structure(List<(byte[] Path, byte[] Value)> items, int depth)
    {
        var writer = new RlpWriter();
        if (items.Count == 1)
        {
            writer.StartList().WriteBytes(HexPrefix(items[0].Path.AsSpan(depth), isLeaf: true)).WriteBytes(items[0].Value).EndList();
            return writer.ToArray();
        }

        var shared = items.Min(item => item.Path.Length) - depth;
        foreach (var item in items)
        {
            var common = 0;
            while (common < shared && item.Path[depth + common] == items[0].Path[depth + common])
            {
                common++;
            }

            shared = common;
        }

        if (shared > 0)
        {
            writer.StartList().WriteBytes(HexPrefix(items[0].Path.AsSpan(depth, shared), isLeaf: false));
            WriteReference(writer, items, depth + shared);
            writer.EndList();
            return writer.ToArray();
        }

        writer.StartList();
        for (var nibble = 0; nibble < 16; nibble++)
        {
            WriteReference(writer, items.Where(item => item.Path.Length > depth && item.Path[depth] == nibble).ToList(), depth + 1);
        }

        writer.WriteBytes(items.FirstOrDefault(item => item.Path.Length == depth).Value ?? []);
        writer.EndList();
        return writer.ToArray();
    }

    /// <summary>n(J, i): empty, the node itself when its RLP is under 32 bytes, else its keccak.</summary>
    private static void WriteReference(RlpWriter writer, List<(byte[] Path, byte[] Value)> items, int depth)
    {
        if (items.Count == 0)
        {
            writer.WriteBytes([]);
            return;
        }

        var encoded = Structure(items, depth);
        if (encoded.Length < 32)
        {
            writer.WriteEncoded(encoded);
        }
        else
        {
            writer.WriteHash(Keccak256.Compute(encoded));
        }
    }

    private static byte[] HexPrefix(ReadOnlySpan<byte> nibbles, bool isLeaf)
    {
        var flag = (isLeaf ? 2 : 0) + (nibbles.Length % 2);
        var padded = new List<byte> { (byte)flag };
        if (nibbles.Length % 2 == 0)
        {
            padded.Add(0);
        }

        padded.AddRange(nibbles.ToArray());
        var bytes = new byte[padded.Count / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)((padded[2 * i] << 4) | padded[(2 * i) + 1]);
        }

        return bytes;
    }

    private static byte[] ToNibbles(byte[] key) => key.SelectMany(b => new[] { (byte)(b >> 4), (byte)(b & 0xf) }).ToArray();
}
