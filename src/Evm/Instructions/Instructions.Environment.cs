using Hyperion.Core;

namespace Hyperion.Evm;

// The call's and the block's environment: addresses, balances, calldata, code, return data, block fields.
internal static partial class Instructions
{
    /// <summary>EIP-2929: the first access to an address in a transaction pays the cold surcharge on top of
    /// the warm price that the opcode table charges statically.</summary>
    internal static bool ChargeColdAccountAccess(EvmFrame frame, AccountEntry account) =>
        !frame.Vm.Spec.HasAccessLists
        || !frame.Vm.State.WarmUp(account)
        || frame.TryCharge(GasCosts.ColdAccountAccess - GasCosts.WarmStorageRead);

    /// <summary>The copy opcodes' price per 32-byte word; the length was bounded by the memory expansion.</summary>
    internal static long CopyCost(in UInt256 length) => GasCosts.CopyWord * (long)((length.U0 + 31) / 32);

    internal static EvmStatus Address(EvmFrame frame)
    {
        frame.Push(frame.ExecutingAddress);
        return EvmStatus.Running;
    }

    internal static EvmStatus Balance(EvmFrame frame)
    {
        ref var word = ref frame.Peek(0);
        var account = frame.Vm.State.Account(Core.Address.FromUInt256(word));
        if (!ChargeColdAccountAccess(frame, account))
        {
            return EvmStatus.OutOfGas;
        }

        word = account.Balance;
        return EvmStatus.Running;
    }

    internal static EvmStatus Origin(EvmFrame frame)
    {
        frame.Push(frame.Vm.Origin);
        return EvmStatus.Running;
    }

    internal static EvmStatus Caller(EvmFrame frame)
    {
        frame.Push(frame.CallerAddress);
        return EvmStatus.Running;
    }

    internal static EvmStatus CallValue(EvmFrame frame)
    {
        frame.Push(frame.CallValue);
        return EvmStatus.Running;
    }

    internal static EvmStatus CallDataLoad(EvmFrame frame)
    {
        ref var offset = ref frame.Peek(0);
        offset = LoadPaddedWord(frame.Input, offset);
        return EvmStatus.Running;
    }

    internal static EvmStatus CallDataSize(EvmFrame frame)
    {
        frame.Push((ulong)frame.InputLength);
        return EvmStatus.Running;
    }

    internal static EvmStatus CallDataCopy(EvmFrame frame) => CopyToMemory(frame, frame.Input);

    internal static EvmStatus CodeSize(EvmFrame frame)
    {
        frame.Push((ulong)frame.Code.Length);
        return EvmStatus.Running;
    }

    internal static EvmStatus CodeCopy(EvmFrame frame) => CopyToMemory(frame, frame.Code.Code);

    internal static EvmStatus GasPrice(EvmFrame frame)
    {
        frame.Push(frame.Vm.GasPrice);
        return EvmStatus.Running;
    }

    internal static EvmStatus ExtCodeSize(EvmFrame frame)
    {
        ref var word = ref frame.Peek(0);
        var state = frame.Vm.State;
        var account = state.Account(Core.Address.FromUInt256(word));
        if (!ChargeColdAccountAccess(frame, account))
        {
            return EvmStatus.OutOfGas;
        }

        word = new UInt256((ulong)state.Code(account).Length);
        return EvmStatus.Running;
    }

    internal static EvmStatus ExtCodeCopy(EvmFrame frame)
    {
        var state = frame.Vm.State;
        var account = state.Account(Core.Address.FromUInt256(frame.Pop()));
        if (!ChargeColdAccountAccess(frame, account))
        {
            return EvmStatus.OutOfGas;
        }

        return CopyToMemory(frame, state.Code(account).Code);
    }

    internal static EvmStatus ReturnDataSize(EvmFrame frame)
    {
        frame.Push((ulong)frame.ReturnDataLength);
        return EvmStatus.Running;
    }

    /// <summary>RETURNDATACOPY: unlike the other copies, reading past the end of the return data is an error (EIP-211).</summary>
    internal static EvmStatus ReturnDataCopy(EvmFrame frame)
    {
        var destination = frame.Pop();
        var offset = frame.Pop();
        var length = frame.Pop();
        if (!frame.TryCharge(CopyCost(length)))
        {
            return EvmStatus.OutOfGas;
        }

        if (!offset.FitsInUInt64 || offset.U0 + length.U0 > (ulong)frame.ReturnDataLength || offset.U0 + length.U0 < offset.U0)
        {
            return EvmStatus.ReturnDataOutOfBounds;
        }

        if (!length.IsZero)
        {
            frame.ReturnData.Slice((int)offset.U0, (int)length.U0).CopyTo(frame.MemoryBuffer.Slice(destination.U0, length.U0));
        }

        return EvmStatus.Running;
    }

    /// <summary>EXTCODEHASH: zero for an account that does not exist or is empty (EIP-1052 with EIP-161).</summary>
    internal static EvmStatus ExtCodeHash(EvmFrame frame)
    {
        ref var word = ref frame.Peek(0);
        var account = frame.Vm.State.Account(Core.Address.FromUInt256(word));
        if (!ChargeColdAccountAccess(frame, account))
        {
            return EvmStatus.OutOfGas;
        }

        word = !account.Exists || account.IsEmpty ? default : account.CodeHash.ToUInt256();
        return EvmStatus.Running;
    }

    /// <summary>BLOCKHASH: the hashes of the 256 blocks before this one; zero for anything else.</summary>
    internal static EvmStatus BlockHash(EvmFrame frame)
    {
        ref var word = ref frame.Peek(0);
        var current = frame.Vm.Block.Number;
        if (word.FitsInUInt64 && word.U0 < current && current - word.U0 <= 256)
        {
            word = frame.Vm.State.GetBlockHash(word.U0).ToUInt256();
        }
        else
        {
            word = default;
        }

        return EvmStatus.Running;
    }

    internal static EvmStatus Coinbase(EvmFrame frame)
    {
        frame.Push(frame.Vm.Block.Coinbase);
        return EvmStatus.Running;
    }

    internal static EvmStatus Timestamp(EvmFrame frame)
    {
        frame.Push(frame.Vm.Block.Timestamp);
        return EvmStatus.Running;
    }

    internal static EvmStatus Number(EvmFrame frame)
    {
        frame.Push(frame.Vm.Block.Number);
        return EvmStatus.Running;
    }

    /// <summary>0x44 before the merge: the block's difficulty.</summary>
    internal static EvmStatus Difficulty(EvmFrame frame)
    {
        frame.Push(frame.Vm.Block.Difficulty);
        return EvmStatus.Running;
    }

    /// <summary>0x44 from the merge on (EIP-4399): the beacon chain's randomness.</summary>
    internal static EvmStatus PrevRandao(EvmFrame frame)
    {
        frame.Push(frame.Vm.Block.PrevRandao.ToUInt256());
        return EvmStatus.Running;
    }

    internal static EvmStatus GasLimit(EvmFrame frame)
    {
        frame.Push(frame.Vm.Block.GasLimit);
        return EvmStatus.Running;
    }

    internal static EvmStatus ChainId(EvmFrame frame)
    {
        frame.Push(frame.Vm.Block.ChainId);
        return EvmStatus.Running;
    }

    internal static EvmStatus SelfBalance(EvmFrame frame)
    {
        frame.Push(frame.Account.Balance);
        return EvmStatus.Running;
    }

    internal static EvmStatus BaseFee(EvmFrame frame)
    {
        frame.Push(frame.Vm.Block.BaseFee);
        return EvmStatus.Running;
    }

    /// <summary>BLOBHASH (EIP-4844): the transaction's i-th blob versioned hash, zero past the end.</summary>
    internal static EvmStatus BlobHash(EvmFrame frame)
    {
        ref var index = ref frame.Peek(0);
        var hashes = frame.Vm.BlobHashes;
        index = index.FitsInUInt64 && index.U0 < (ulong)hashes.Count ? hashes[(int)index.U0].ToUInt256() : default;
        return EvmStatus.Running;
    }

    internal static EvmStatus BlobBaseFee(EvmFrame frame)
    {
        frame.Push(frame.Vm.BlobBaseFee);
        return EvmStatus.Running;
    }

    internal static EvmStatus Keccak256(EvmFrame frame)
    {
        var offset = frame.Pop();
        ref var length = ref frame.Peek(0);
        if (!frame.TryCharge(GasCosts.Keccak256Word * (long)((length.U0 + 31) / 32)))
        {
            return EvmStatus.OutOfGas;
        }

        Span<byte> hash = stackalloc byte[32];
        Core.Crypto.Keccak256.Compute(frame.MemoryBuffer.Slice(offset, length), hash);
        length = UInt256.FromBigEndian(hash);
        return EvmStatus.Running;
    }

    /// <summary>CALLDATACOPY, CODECOPY and EXTCODECOPY: [destination, offset, length] from <paramref name="source"/>,
    /// zero-filled past its end.</summary>
    private static EvmStatus CopyToMemory(EvmFrame frame, ReadOnlySpan<byte> source)
    {
        var destination = frame.Pop();
        var offset = frame.Pop();
        var length = frame.Pop();
        if (!frame.TryCharge(CopyCost(length)))
        {
            return EvmStatus.OutOfGas;
        }

        if (length.IsZero)
        {
            return EvmStatus.Running;
        }

        var start = offset.FitsInUInt64 && offset.U0 < (ulong)source.Length ? (int)offset.U0 : source.Length;
        frame.MemoryBuffer.WritePadded(destination.U0, length.U0, source[start..]);
        return EvmStatus.Running;
    }

    /// <summary>32 bytes of <paramref name="source"/> from <paramref name="offset"/>, zero past its end.</summary>
    private static UInt256 LoadPaddedWord(ReadOnlySpan<byte> source, in UInt256 offset)
    {
        if (!offset.FitsInUInt64 || offset.U0 >= (ulong)source.Length)
        {
            return default;
        }

        var start = (int)offset.U0;
        if (source.Length - start >= 32)
        {
            return UInt256.FromBigEndian(source.Slice(start, 32));
        }

        Span<byte> word = stackalloc byte[32];
        word.Clear();
        source[start..].CopyTo(word);
        return UInt256.FromBigEndian(word);
    }
}
