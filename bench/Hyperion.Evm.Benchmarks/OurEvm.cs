using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm.Benchmarks;

/// <summary>
/// Our EVM as a node runs it: signed transactions through <see cref="TransactionProcessor"/> (validation, gas
/// purchase, execution, refunds, fees) in a Cancun block on mainnet's chain id. Transactions are signed when the
/// workload is built; a signed <see cref="Transaction"/> carries its sender, so no signature is recovered in the
/// timed runs (neither does the peer, which takes the sender as a string).
/// </summary>
internal sealed class OurEvm
{
    public static readonly Address ContractAddress = Address.Parse("0x1000000000000000000000000000000000000001");
    public static readonly Address CoinbaseAddress = Address.Parse("0xc0ffee0000000000000000000000000000000000");
    public static readonly PrivateKey CallerKey = KeyFor(0);

    /// <summary>1 gwei: with the fee cap and tip below, every transaction pays 1.1 gwei a unit of gas.</summary>
    public static readonly UInt256 BaseFee = 1_000_000_000;

    public static readonly BlockContext Block = new()
    {
        ChainId = 1,
        Number = 19_500_000,
        Timestamp = 1_710_338_135 + (12 * 1_000_000), // Cancun activated at 1,710,338,135 on mainnet
        Coinbase = CoinbaseAddress,
        GasLimit = 30_000_000,
        BaseFee = BaseFee,
        PrevRandao = Hash256.Parse("0x5d1b2b8b4c0f9f0d8a1c5e2b7a9f3c4d6e8f0a1b2c3d4e5f60718293a4b5c6d7"),
        ExcessBlobGas = 0,
    };

    private readonly TransactionProcessor _processor = new(EvmSpecs.Cancun, StandardPrecompiles.Cancun());

    /// <summary>A deterministic key per index, so that runs sign the same transactions.</summary>
    public static PrivateKey KeyFor(int index)
    {
        var secret = new byte[32];
        secret[0] = 0x5e;
        BitConverter.TryWriteBytes(secret.AsSpan(24), (ulong)index + 1);
        return PrivateKey.FromBytes(secret);
    }

    /// <summary>A world with the contract deployed and the caller funded.</summary>
    public static InMemoryState WorldWith(byte[] code)
    {
        var state = new InMemoryState();
        state.SetAccount(ContractAddress, 1, UInt256.Zero, code);
        state.SetAccount(CallerKey.Address, 0, UInt256.Parse("100000000000000000000"));
        return state;
    }

    /// <summary>An EIP-1559 transaction calling the contract, signed by <paramref name="key"/>.</summary>
    public static Transaction Call(PrivateKey key, ulong nonce, byte[] data, ulong gasLimit) =>
        new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = 1,
            Nonce = nonce,
            MaxFeePerGas = 2 * BaseFee,
            MaxPriorityFeePerGas = 100_000_000,
            GasLimit = gasLimit,
            To = ContractAddress,
            Data = data,
        }.Sign(key);

    /// <summary>Executes without applying the writes: the state is unchanged, as for eth_call.</summary>
    public TransactionResult Execute(Transaction transaction, InMemoryState state) =>
        _processor.Execute(transaction, Block, state);

    /// <summary>Executes and applies the writes, as a block executor does.</summary>
    public TransactionResult Transact(Transaction transaction, InMemoryState state)
    {
        var result = _processor.Execute(transaction, Block, state);
        if (!result.IsRejected)
        {
            state.Apply(result.WriteSet);
        }

        return result;
    }

    /// <summary>How many instructions the transaction executes, counted in a run of its own.</summary>
    public long CountOpcodes(Transaction transaction, InMemoryState state)
    {
        var counter = new OpcodeCounter();
        _processor.Execute(transaction, Block, state, ref counter);
        return counter.Count;
    }
}

/// <summary>Counts executed instructions. Used only in a separate counting run: the timed runs use
/// <see cref="NoTracer"/>, which the interpreter compiles away.</summary>
internal struct OpcodeCounter : ITracer
{
    public long Count;

    public readonly bool IsEnabled => true;

    public void OnStep(EvmFrame frame, Opcode opcode) => Count++;

    public readonly void OnFrameEnd(EvmFrame frame, EvmStatus status)
    {
    }
}
