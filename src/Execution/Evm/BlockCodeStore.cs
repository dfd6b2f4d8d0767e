using System.Collections.Concurrent;
using Hyperion.Core;
using Hyperion.Evm;

namespace Hyperion.Execution.Evm;

/// <summary>
/// Contract code for one block, by hash: the pre-state's, and whatever the block's executions deploy. Code is
/// addressed by its hash, so an entry is never wrong, even when the execution that deployed it is later thrown
/// away: whoever asks for a hash got it from an account location, which Block-STM validates. That is why code is
/// not a location of its own. Thread-safe.
/// </summary>
public sealed class BlockCodeStore
{
    private readonly IStateReader _preState;
    private readonly ConcurrentDictionary<Hash256, byte[]> _deployed = new();

    /// <param name="preState">The block's state before its transactions; read from many threads at once.</param>
    public BlockCodeStore(IStateReader preState)
    {
        ArgumentNullException.ThrowIfNull(preState);
        _preState = preState;
    }

    public byte[] Get(in Hash256 codeHash)
    {
        if (codeHash == AccountInfo.EmptyCodeHash)
        {
            return [];
        }

        return _deployed.TryGetValue(codeHash, out var code) ? code : _preState.GetCode(codeHash);
    }

    /// <summary>Makes code deployed in the block available to the transactions after it (added before its writes are published).</summary>
    public void Add(in Hash256 codeHash, byte[] code)
    {
        ArgumentNullException.ThrowIfNull(code);
        _deployed.TryAdd(codeHash, code);
    }
}
