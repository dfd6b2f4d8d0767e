using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm.Tests;

/// <summary>
/// A world with a funded sender and a contract under test, and two ways to run code: straight through the
/// <see cref="VirtualMachine"/> (to measure execution gas exactly) or as a signed transaction through the
/// <see cref="TransactionProcessor"/>.
/// </summary>
internal sealed class EvmHarness
{
    public static readonly PrivateKey SenderKey = PrivateKey.Parse("0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8");
    public static readonly Address Sender = SenderKey.Address;
    public static readonly Address ContractAddress = Address.Parse("0x1000000000000000000000000000000000000001");
    public static readonly Address OtherAddress = Address.Parse("0x2000000000000000000000000000000000000002");
    public static readonly Address CoinbaseAddress = Address.Parse("0xc0ffee0000000000000000000000000000000000");
    public static readonly UInt256 SenderBalance = UInt256.Parse("1000000000000000000000");

    public EvmHarness(EvmSpec? spec = null)
    {
        Spec = spec ?? EvmSpecs.Cancun;
        State.SetAccount(Sender, 0, SenderBalance);
    }

    public EvmSpec Spec { get; }

    public InMemoryState State { get; } = new();

    public PrecompileTable Precompiles { get; init; } = StandardPrecompiles.Cancun();

    public BlockContext Block { get; init; } = new()
    {
        ChainId = 1,
        Number = 100,
        Timestamp = 1_700_000_000,
        Coinbase = CoinbaseAddress,
        GasLimit = 30_000_000,
        BaseFee = 7,
        PrevRandao = Hash256.FromUInt256(0x1234),
    };

    /// <summary>Puts <paramref name="code"/> at <see cref="ContractAddress"/> (or <paramref name="address"/>).</summary>
    public EvmHarness WithCode(byte[] code, Address? address = null, ulong nonce = 1, UInt256 balance = default)
    {
        State.SetAccount(address ?? ContractAddress, nonce, balance, code);
        return this;
    }

    /// <summary>Runs a call to the contract in the VM alone, as the first thing in a fresh transaction.</summary>
    public (MessageResult Result, JournaledState Journal) Run(
        long gas = 1_000_000,
        byte[]? input = null,
        UInt256 value = default,
        Action<JournaledState>? prepare = null)
    {
        var journal = new JournaledState();
        journal.Begin(State);
        var vm = new VirtualMachine(Spec, Precompiles, journal);
        vm.SetContext(Block, Sender, 10, []);
        journal.WarmUpAccount(Sender);
        journal.WarmUpAccount(ContractAddress);
        prepare?.Invoke(journal);
        var result = vm.Execute(new Message(FrameKind.Call, Sender, ContractAddress, value, input ?? [], gas));
        return (result, journal);
    }

    /// <summary>The execution gas of a call (what the code used, before refunds).</summary>
    public long GasUsedBy(long gas = 1_000_000, byte[]? input = null, Action<JournaledState>? prepare = null)
    {
        var (result, _) = Run(gas, input, prepare: prepare);
        return gas - result.GasLeft;
    }

    /// <summary>A signed dynamic-fee transaction from <see cref="Sender"/>.</summary>
    public Transaction NewTransaction(
        Address? to,
        byte[]? data = null,
        ulong gasLimit = 1_000_000,
        UInt256 value = default,
        ulong? nonce = null,
        UInt256? maxFee = null,
        UInt256? tip = null,
        IReadOnlyList<AccessListEntry>? accessList = null) =>
        new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = 1,
            Nonce = nonce ?? (State.TryGetAccount(Sender, out var account) ? account.Nonce : 0),
            MaxFeePerGas = maxFee ?? 100,
            MaxPriorityFeePerGas = tip ?? 2,
            GasLimit = gasLimit,
            To = to,
            Value = value,
            Data = data ?? [],
            AccessList = accessList ?? [],
        }.Sign(SenderKey);

    /// <summary>Executes a transaction and, unless it was rejected, applies its writes.</summary>
    public TransactionResult Transact(Transaction transaction)
    {
        var processor = new TransactionProcessor(Spec, Precompiles);
        var result = processor.Execute(transaction, Block, State);
        State.Apply(result.WriteSet);
        return result;
    }

    public UInt256 BalanceOf(Address address) => State.TryGetAccount(address, out var account) ? account.Balance : UInt256.Zero;

    public bool Exists(Address address) => State.TryGetAccount(address, out _);

    public static UInt256 Word(byte[] output) => UInt256.FromBigEndian(output);
}
