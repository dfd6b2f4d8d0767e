using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Execution.Evm;

/// <summary>
/// EIP-4788: before a block's transactions, the system address calls the beacon roots contract with the parent
/// beacon block root, which stores it and the block's timestamp in its ring buffers. No gas is paid, the system
/// address is neither charged nor touched, and a failure (or a missing contract) changes nothing.
/// </summary>
public static class BeaconRootSystemCall
{
    /// <summary>0xfffffffffffffffffffffffffffffffffffffffe, the caller of system calls.</summary>
    public static readonly Address SystemAddress = Address.Parse("0xfffffffffffffffffffffffffffffffffffffffe");

    public static readonly Address BeaconRootsAddress = Address.Parse("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02");

    /// <summary>The gas the call gets (outside the block's gas).</summary>
    public const long GasLimit = 30_000_000;

    /// <summary>Runs the call over <paramref name="state"/>; returns what it wrote there (null when it failed and wrote nothing).</summary>
    public static TransactionWriteSet? Apply(BlockStateOverlay state, BlockContext context, in Hash256 parentBeaconBlockRoot, EvmSpec spec, PrecompileTable precompiles)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(precompiles);
        var journal = new JournaledState();
        journal.Begin(state);
        var vm = new VirtualMachine(spec, precompiles, journal);
        vm.SetContext(context, SystemAddress, UInt256.Zero, []);
        var result = vm.Execute(new Message(FrameKind.Call, SystemAddress, BeaconRootsAddress, UInt256.Zero, parentBeaconBlockRoot.ToArray(), GasLimit));
        if (!result.IsSuccess)
        {
            return null;
        }

        var writes = journal.BuildWriteSet(spec.ClearsEmptyAccounts);
        state.Apply(writes);
        return writes;
    }
}
