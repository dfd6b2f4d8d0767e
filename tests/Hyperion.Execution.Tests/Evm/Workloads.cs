using Hyperion.Core;
using Hyperion.Evm;
using Hyperion.Execution.Evm;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// The blocks the differential tests and the benchmark execute. Senders take turns (account i % accounts), so with
/// as many accounts as transactions every sender sends once; recipients and pools are drawn at random.
/// </summary>
internal static class Workloads
{
    public static readonly Address Token = Address.Parse("0x70ce000000000000000000000000000000000001");
    public static readonly Address Counter = Address.Parse("0xc0c0000000000000000000000000000000000002");
    public static readonly Address Reverter = Address.Parse("0x0e0e000000000000000000000000000000000003");
    public static readonly Address EphemeralFactory = Address.Parse("0xfac7000000000000000000000000000000000004");
    public static readonly Address Sweeper = Address.Parse("0x5eee000000000000000000000000000000000005");
    public static readonly Address BalanceProbe = Address.Parse("0xba1a000000000000000000000000000000000006");
    public static readonly Address Identity = Address.Parse("0x0000000000000000000000000000000000000004");

    /// <summary>The names the benchmark accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["transfers", "erc20", "amm-one-pool", "amm-many-pools", "chain"];

    private const uint TransferSelector = 0xa9059cbb;

    private static readonly UInt256 PoolReserve = UInt256.Parse("1000000000000000000000000000000");

    public static Workload Create(string name, int transactions, int accounts, int seed) => name switch
    {
        "transfers" => Transfers(transactions, accounts, seed),
        "erc20" => Erc20(transactions, accounts, seed),
        "amm-one-pool" => Amm(transactions, accounts, pools: 1, seed),
        "amm-many-pools" => Amm(transactions, accounts, pools: Math.Max(2, accounts / 10), seed),
        "chain" => Chain(transactions, accounts, seed),
        "mixed" => Mixed(transactions, accounts, seed),
        _ => throw new ArgumentException($"Unknown workload '{name}'; known: {string.Join(", ", Names)}, mixed.", nameof(name)),
    };

    /// <summary>Plain value transfers between funded accounts: the recipients' credits are lazy, the senders independent.</summary>
    public static Workload Transfers(int transactions, int accounts, int seed)
    {
        var builder = new WorkloadBuilder(accounts, seed);
        for (var i = 0; i < transactions; i++)
        {
            var sender = i % accounts;
            builder.Add(sender, builder.AddressOf(OtherThan(builder.Random, sender, accounts)), new UInt256((ulong)builder.Random.Next(1, 1_000_000)), gas: 21_000);
        }

        return builder.Build("transfers");
    }

    /// <summary>ERC-20 transfers of one token between holders (every account holds some).</summary>
    public static Workload Erc20(int transactions, int accounts, int seed)
    {
        var builder = new WorkloadBuilder(accounts, seed);
        var balances = new Dictionary<UInt256, UInt256>();
        foreach (var key in builder.Keys)
        {
            balances[TestContracts.MappingSlot(key.Address, 0)] = WorkloadBuilder.InitialBalance;
        }

        builder.Deploy(Token, TestContracts.Erc20, balances);
        for (var i = 0; i < transactions; i++)
        {
            var sender = i % accounts;
            var recipient = builder.AddressOf(OtherThan(builder.Random, sender, accounts));
            builder.Add(sender, Token, data: TestContracts.Call(TransferSelector, recipient.ToUInt256(), new UInt256((ulong)builder.Random.Next(1, 1_000_000))), gas: 100_000);
        }

        return builder.Build("erc20");
    }

    /// <summary>Swaps on constant-product pools; with one pool every swap reads and writes the same reserves.</summary>
    public static Workload Amm(int transactions, int accounts, int pools, int seed)
    {
        var builder = new WorkloadBuilder(accounts, seed);
        var storage = new Dictionary<UInt256, UInt256>[pools];
        for (var pool = 0; pool < pools; pool++)
        {
            storage[pool] = new Dictionary<UInt256, UInt256> { [UInt256.Zero] = PoolReserve, [UInt256.One] = PoolReserve };
        }

        for (var i = 0; i < transactions; i++)
        {
            var sender = i % accounts;
            var pool = builder.Random.Next(pools);
            var trader = builder.AddressOf(sender);
            storage[pool][TestContracts.MappingSlot(trader, 2)] = WorkloadBuilder.InitialBalance;
            storage[pool][TestContracts.MappingSlot(trader, 3)] = WorkloadBuilder.InitialBalance;
            var zeroForOne = builder.Random.Next(2);
            var amountIn = new UInt256((ulong)builder.Random.NextInt64(1_000_000_000_000_000, 1_000_000_000_000_000_000));
            builder.Add(sender, PoolAddress(pool), data: TestContracts.Words(new UInt256((ulong)zeroForOne), amountIn), gas: 150_000);
        }

        for (var pool = 0; pool < pools; pool++)
        {
            builder.Deploy(PoolAddress(pool), TestContracts.Pool, storage[pool]);
        }

        return builder.Build(pools == 1 ? "amm-one-pool" : "amm-many-pools");
    }

    /// <summary>Every transaction from one sender, so each depends on the one before (its nonce and balance): a chain.</summary>
    public static Workload Chain(int transactions, int accounts, int seed)
    {
        var builder = new WorkloadBuilder(Math.Max(2, accounts), seed);
        for (var i = 0; i < transactions; i++)
        {
            builder.Add(0, builder.AddressOf(OtherThan(builder.Random, 0, builder.Keys.Length)), new UInt256((ulong)builder.Random.Next(1, 1_000_000)), gas: 21_000);
        }

        return builder.Build("chain");
    }

    /// <summary>
    /// Everything at once over few accounts, so that transactions conflict: transfers (to accounts, to new addresses, to
    /// the coinbase, to a precompile, of zero), ERC-20 transfers (some above the balance: reverts), swaps on two pools,
    /// counter calls, reverting calls, contract creations and calls to the new contracts, children created and
    /// self-destructed in one transaction (EIP-6780), an old contract self-destructing (only its balance moves),
    /// balance probes of lazily credited accounts, and priority fees of zero (the coinbase is touched, not paid).
    /// </summary>
    public static Workload Mixed(int transactions, int accounts, int seed)
    {
        var builder = new WorkloadBuilder(accounts, seed);
        var random = builder.Random;
        var tokenBalances = new Dictionary<UInt256, UInt256>();
        var pools = new[] { PoolAddress(0), PoolAddress(1) };
        var poolStorage = pools.Select(_ => new Dictionary<UInt256, UInt256> { [UInt256.Zero] = PoolReserve, [UInt256.One] = PoolReserve }).ToArray();
        for (var account = 0; account < accounts; account++)
        {
            var holder = builder.AddressOf(account);
            if (account % 3 != 0)
            {
                tokenBalances[TestContracts.MappingSlot(holder, 0)] = new UInt256(1_000_000);
            }

            foreach (var storage in poolStorage)
            {
                storage[TestContracts.MappingSlot(holder, 2)] = WorkloadBuilder.InitialBalance;
                storage[TestContracts.MappingSlot(holder, 3)] = new UInt256((ulong)(account % 2) * 1_000_000_000_000_000_000);
            }
        }

        builder.Deploy(Token, TestContracts.Erc20, tokenBalances);
        for (var pool = 0; pool < pools.Length; pool++)
        {
            builder.Deploy(pools[pool], TestContracts.Pool, poolStorage[pool]);
        }

        builder.Deploy(Counter, TestContracts.Counter);
        builder.Deploy(Reverter, TestContracts.Reverter);
        builder.Deploy(EphemeralFactory, TestContracts.EphemeralFactory);
        builder.Deploy(Sweeper, TestContracts.Sweeper, balance: new UInt256(5_000_000));
        builder.Deploy(BalanceProbe, TestContracts.BalanceProbe);

        var created = new List<Address>();
        for (var i = 0; i < transactions; i++)
        {
            var sender = random.Next(accounts);
            var from = builder.AddressOf(sender);
            var other = builder.AddressOf(OtherThan(random, sender, accounts));
            var tip = random.Next(4) switch
            {
                0 => UInt256.Zero,
                1 => UInt256.One,
                _ => WorkloadBuilder.Gwei,
            };
            var value = new UInt256((ulong)random.Next(1, 1_000_000));
            switch (random.Next(16))
            {
                case 0:
                case 1:
                    builder.Add(sender, other, value, gas: 21_000, tip: tip);
                    break;
                case 2:
                    builder.Add(sender, FreshAddress(random), value, tip: tip);
                    break;
                case 3:
                    builder.Add(sender, WorkloadBuilder.Coinbase, value, tip: tip);
                    break;
                case 4:
                    var amount = new UInt256((ulong)random.Next(1, 600_000));
                    builder.Add(sender, Token, data: TestContracts.Call(TransferSelector, other.ToUInt256(), amount), tip: tip);
                    break;
                case 5:
                case 6:
                    var swapIn = new UInt256((ulong)random.NextInt64(1, 2_000_000_000_000_000_000));
                    builder.Add(sender, pools[random.Next(pools.Length)], data: TestContracts.Words(new UInt256((ulong)random.Next(2)), swapIn), tip: tip);
                    break;
                case 7:
                    builder.Add(sender, Counter, tip: tip);
                    break;
                case 8:
                    builder.Add(sender, Reverter, value: random.Next(2) == 0 ? UInt256.Zero : value, tip: tip);
                    break;
                case 9:
                    created.Add(ContractAddress.From(from, builder.NextNonce(from)));
                    builder.Add(sender, null, data: Assembler.Deployer(TestContracts.Counter, prologue: "PUSH 5 PUSH 0 SSTORE"), gas: 300_000, tip: tip);
                    break;
                case 10:
                    builder.Add(sender, created.Count > 0 ? created[random.Next(created.Count)] : Counter, tip: tip);
                    break;
                case 11:
                    builder.Add(sender, EphemeralFactory, value, tip: tip);
                    break;
                case 12:
                    builder.Add(sender, Sweeper, tip: tip);
                    break;
                case 13:
                    var probed = random.Next(2) == 0 ? WorkloadBuilder.Coinbase : other;
                    builder.Add(sender, BalanceProbe, data: TestContracts.Words(probed.ToUInt256()), tip: tip);
                    break;
                case 14:
                    builder.Add(sender, Identity, value, tip: tip);
                    break;
                default:
                    builder.Add(sender, FreshAddress(random), UInt256.Zero, tip: tip);
                    break;
            }
        }

        return builder.Build("mixed");
    }

    public static Address PoolAddress(int pool)
    {
        Span<byte> bytes = stackalloc byte[Address.Length];
        bytes.Clear();
        bytes[0] = 0xaa;
        BitConverter.TryWriteBytes(bytes[16..], pool);
        return new Address(bytes);
    }

    private static Address FreshAddress(Random random)
    {
        Span<byte> bytes = stackalloc byte[Address.Length];
        random.NextBytes(bytes);
        return new Address(bytes);
    }

    private static int OtherThan(Random random, int account, int accounts)
    {
        var other = random.Next(accounts - 1);
        return other >= account ? other + 1 : other;
    }

    /// <summary>The account's balance in the state (zero when absent).</summary>
    public static UInt256 BalanceOf(StateSnapshot state, in Address address) =>
        state.TryGetAccount(address, out SnapshotAccount account) ? account.Balance : UInt256.Zero;
}
