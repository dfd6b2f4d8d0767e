using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Execution.Evm;
using Hyperion.State;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// Builds a pre-state (funded accounts, deployed contracts with their storage) and a block of signed transactions
/// over it, keeping each sender's next nonce. Transactions are EIP-1559 on chain 1; signing caches the sender in the
/// transaction, as admission to a mempool would.
/// </summary>
internal sealed class WorkloadBuilder
{
    public static readonly UInt256 Gwei = new(1_000_000_000);
    public static readonly Address Coinbase = Address.Parse("0xc0ffee00000000000000000000000000000000c0");
    public static readonly UInt256 InitialBalance = UInt256.Parse("1000000000000000000000000");

    private readonly Dictionary<Address, PlainAccount> _pre = [];
    private readonly List<Transaction> _transactions = [];
    private readonly Dictionary<Address, ulong> _nonces = [];

    public WorkloadBuilder(int accounts, int seed)
    {
        Random = new Random(seed);
        Keys = TestKeys.First(accounts);
        foreach (var key in Keys)
        {
            _pre[key.Address] = new PlainAccount { Balance = InitialBalance };
        }
    }

    public Random Random { get; }

    public PrivateKey[] Keys { get; }

    public UInt256 BaseFee { get; init; } = Gwei;

    public IReadOnlyList<Transaction> Transactions => _transactions;

    public Address AddressOf(int account) => Keys[account].Address;

    public ulong NextNonce(in Address sender) => _nonces.GetValueOrDefault(sender);

    /// <summary>Puts an account into the pre-state (replacing any there).</summary>
    public void SetAccount(in Address address, PlainAccount account) => _pre[address] = account;

    /// <summary>Takes an account out of the pre-state (a funded test key that should not exist before the block).</summary>
    public void RemoveAccount(in Address address) => _pre.Remove(address);

    /// <summary>Deploys <paramref name="code"/> at <paramref name="address"/> in the pre-state.</summary>
    public void Deploy(in Address address, byte[] code, Dictionary<UInt256, UInt256>? storage = null, UInt256 balance = default) =>
        _pre[address] = new PlainAccount { Nonce = 1, Code = code, Storage = storage ?? [], Balance = balance };

    /// <summary>Adds a signed transaction from account <paramref name="sender"/> (its next nonce).</summary>
    public Transaction Add(int sender, Address? to, UInt256 value = default, byte[]? data = null, ulong gas = 200_000, UInt256? tip = null)
    {
        var key = Keys[sender];
        var nonce = NextNonce(key.Address);
        _nonces[key.Address] = nonce + 1;
        var priority = tip ?? Gwei;
        var transaction = new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = 1,
            Nonce = nonce,
            MaxPriorityFeePerGas = priority,
            MaxFeePerGas = BaseFee + priority + Gwei,
            GasLimit = gas,
            To = to,
            Value = value,
            Data = data ?? [],
        }.Sign(key);
        _transactions.Add(transaction);
        return transaction;
    }

    public Workload Build(string name, IReadOnlyList<Withdrawal>? withdrawals = null, ulong? gasLimit = null)
    {
        var totalGas = _transactions.Aggregate(0UL, (sum, transaction) => sum + transaction.GasLimit);
        var block = new EvmBlock
        {
            Context = new BlockContext
            {
                ChainId = 1,
                Number = 1,
                Timestamp = 1_700_000_000,
                Coinbase = Coinbase,
                GasLimit = gasLimit ?? Math.Max(30_000_000, totalGas),
                BaseFee = BaseFee,
                PrevRandao = Keccak256.Compute("prevrandao"u8),
            },
            Transactions = [.. _transactions],
            Withdrawals = withdrawals ?? [],
        };
        return new Workload(name, StateSnapshot.FromAccounts(_pre), block);
    }
}
