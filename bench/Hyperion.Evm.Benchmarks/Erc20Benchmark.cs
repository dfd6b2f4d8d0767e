using System.Numerics;
using Hyperion.Core;
using Hyperion.Core.Transactions;

namespace Hyperion.Evm.Benchmarks;

/// <summary>
/// ERC-20 transfers as a block of transactions, the way a chain sees token traffic: 1,000 signed
/// <c>transfer(to, amount)</c> transactions from 100 holders (10 each, consecutive nonces) to 500 recipients, half
/// of whom already hold tokens, executed in order with each transaction's writes applied before the next. Each
/// transfer reads and writes two cold balance slots (keccak of key and slot), emits a Transfer log and pays fees.
/// </summary>
internal static class Erc20Benchmark
{
    private const int Senders = 100;
    private const int TransfersPerSender = 10;
    private const int Transactions = Senders * TransfersPerSender;
    private const int Recipients = 500;
    private const int PrefundedRecipients = 250;
    private const ulong GasLimit = 100_000;
    private static readonly UInt256 EtherBalance = UInt256.Parse("10000000000000000000");
    private static readonly UInt256 TokenBalance = UInt256.Parse("1000000000000000000000000");

    public static void Run(Harness harness, Summary summary)
    {
        var keys = Enumerable.Range(1, Senders).Select(OurEvm.KeyFor).ToArray();
        var recipients = Enumerable.Range(0, Recipients)
            .Select(i => Address.FromUInt256(new UInt256(0x3000_0000UL + (ulong)i)))
            .ToArray();

        // Transaction k is the (k / Senders)-th transfer of sender k % Senders, so holders interleave in the block.
        var block = new Transaction[Transactions];
        var amounts = new ulong[Transactions];
        for (var k = 0; k < Transactions; k++)
        {
            amounts[k] = 1_000 + (ulong)k;
            var data = Contracts.TransferCall(recipients[k % Recipients], amounts[k]);
            block[k] = OurEvm.Call(keys[k % Senders], (ulong)(k / Senders), data, GasLimit);
        }

        var ours = new OurEvm();
        InMemoryState OurWorld()
        {
            var state = OurEvm.WorldWith(Contracts.Erc20);
            foreach (var key in keys)
            {
                state.SetAccount(key.Address, 0, EtherBalance);
                state.SetStorage(OurEvm.ContractAddress, Contracts.BalanceSlot(key.Address), TokenBalance);
            }

            for (var i = 0; i < PrefundedRecipients; i++)
            {
                state.SetStorage(OurEvm.ContractAddress, Contracts.BalanceSlot(recipients[i]), TokenBalance);
            }

            return state;
        }

        var peer = new NethereumEvm();
        var senders = keys.Select(k => NethereumEvm.Format(k.Address)).ToArray();
        MemoryNode PeerWorld()
        {
            var node = new MemoryNode();
            node.SetAccount(NethereumEvm.ContractAddress, 1, 0, Contracts.Erc20);
            foreach (var key in keys)
            {
                node.SetAccount(NethereumEvm.Format(key.Address), 0, (BigInteger)EtherBalance);
                node.SetStorage(NethereumEvm.ContractAddress, (BigInteger)Contracts.BalanceSlot(key.Address), (BigInteger)TokenBalance);
            }

            for (var i = 0; i < PrefundedRecipients; i++)
            {
                node.SetStorage(NethereumEvm.ContractAddress, (BigInteger)Contracts.BalanceSlot(recipients[i]), (BigInteger)TokenBalance);
            }

            return node;
        }

        long OurBlock(InMemoryState state)
        {
            long gas = 0;
            foreach (var transaction in block)
            {
                gas += (long)ours.Transact(transaction, state).GasUsed;
            }

            return gas;
        }

        long PeerBlock(MemoryNode node)
        {
            long gas = 0;
            for (var k = 0; k < block.Length; k++)
            {
                gas += (long)peer.Transact(node, senders[k % Senders], NethereumEvm.ContractAddress, block[k].Data, block[k].Nonce, GasLimit).GasUsed;
            }

            return gas;
        }

        // One block on each engine, compared transaction by transaction and then slot by slot, before timing.
        var ourState = OurWorld();
        var peerNode = PeerWorld();
        long blockGas = 0;
        for (var k = 0; k < block.Length; k++)
        {
            var our = ours.Transact(block[k], ourState);
            var their = peer.Transact(peerNode, senders[k % Senders], NethereumEvm.ContractAddress, block[k].Data, block[k].Nonce, GasLimit);
            CallBenchmarks.Check(our.Succeeded && our.Logs.Count == 1, $"erc20: our transaction {k} failed: {our}");
            CallBenchmarks.Check(their.Success && their.Logs.Count == 1, $"erc20: Nethereum's transaction {k} failed: {their.Error}");
            CallBenchmarks.Check(our.Output.AsSpan().SequenceEqual(their.ReturnData), $"erc20: transaction {k} returned different data");
            CallBenchmarks.Check(our.GasUsed == their.GasUsed, $"erc20: transaction {k} used {our.GasUsed} gas here, {their.GasUsed} on Nethereum");
            blockGas += (long)our.GasUsed;
        }

        var expected = new Dictionary<Address, BigInteger>();
        foreach (var key in keys)
        {
            expected[key.Address] = (BigInteger)TokenBalance;
        }

        for (var i = 0; i < Recipients; i++)
        {
            expected[recipients[i]] = i < PrefundedRecipients ? (BigInteger)TokenBalance : BigInteger.Zero;
        }

        for (var k = 0; k < Transactions; k++)
        {
            expected[keys[k % Senders].Address] -= amounts[k];
            expected[recipients[k % Recipients]] += amounts[k];
        }

        foreach (var (owner, balance) in expected)
        {
            var slot = Contracts.BalanceSlot(owner);
            var our = (BigInteger)ourState.GetStorage(OurEvm.ContractAddress, slot);
            var their = peerNode.Storage(NethereumEvm.ContractAddress, (BigInteger)slot);
            CallBenchmarks.Check(our == balance && their == balance, $"erc20: balance of {owner}: expected {balance}, ours {our}, Nethereum {their}");
        }

        foreach (var key in keys)
        {
            ourState.TryGetAccount(key.Address, out var account);
            var address = NethereumEvm.Format(key.Address);
            CallBenchmarks.Check(
                (BigInteger)account.Balance == peerNode.Balance(address) && account.Nonce == peerNode.Nonce(address),
                $"erc20: sender {key.Address}: ours {account.Balance} wei nonce {account.Nonce}, Nethereum {peerNode.Balance(address)} wei nonce {peerNode.Nonce(address)}");
        }

        long opcodes = 0;
        var countingState = OurWorld();
        foreach (var transaction in block)
        {
            opcodes += ours.CountOpcodes(transaction, countingState);
            ours.Transact(transaction, countingState);
        }

        var (ourRate, peerRate) = harness.Compare(OurWorld, OurBlock, PeerWorld, PeerBlock);
        var ratio = ourRate / peerRate;

        // What a transaction costs us before any code runs: the same senders and nonces sending ether to the same
        // recipients (validation, gas purchase, fees, read and write sets, apply), so that the report can say how
        // much of a transfer is per-transaction processing and how much is the contract.
        var plain = new Transaction[Transactions];
        for (var k = 0; k < Transactions; k++)
        {
            plain[k] = new Transaction
            {
                Type = TxType.DynamicFee,
                ChainId = 1,
                Nonce = (ulong)(k / Senders),
                MaxFeePerGas = 2 * OurEvm.BaseFee,
                MaxPriorityFeePerGas = 100_000_000,
                GasLimit = 21_000,
                To = recipients[k % Recipients],
                Value = 1,
            }.Sign(keys[k % Senders]);
        }

        long PlainBlock(InMemoryState state)
        {
            long gas = 0;
            foreach (var transaction in plain)
            {
                var result = ours.Transact(transaction, state);
                CallBenchmarks.Check(result.Succeeded, $"erc20: an ether transfer failed: {result}");
                gas += (long)result.GasUsed;
            }

            return gas;
        }

        // Against our transfer block again, alternating, so that the two per-transaction times are comparable.
        var (_, plainRate) = harness.Compare(OurWorld, OurBlock, OurWorld, PlainBlock);
        Console.WriteLine($"erc20 transfers: blocks of {Transactions:N0} transfer transactions, {blockGas:N0} gas and {opcodes:N0} instructions a block;"
            + " same gas, output, balances and nonces on both");
        Console.WriteLine($"  ours      {ourRate * Transactions,10:N0} tx/s {CallBenchmarks.Mgas(ourRate, blockGas),9} Mgas/s {CallBenchmarks.Mops(ourRate, opcodes),9} M instructions/s");
        Console.WriteLine($"  Nethereum {peerRate * Transactions,10:N0} tx/s {CallBenchmarks.Mgas(peerRate, blockGas),9} Mgas/s {CallBenchmarks.Mops(peerRate, opcodes),9} M instructions/s");
        Console.WriteLine($"  ratio {ratio:F1}x (goal >= {CallBenchmarks.PeerGoal}x: {Summary.Verdict(ratio, CallBenchmarks.PeerGoal)})");
        Console.WriteLine($"  per transaction: ours {1e6 / (ourRate * Transactions):F2} us, Nethereum {1e6 / (peerRate * Transactions):F1} us; "
            + $"a plain ether transfer through our processor takes {1e6 / (plainRate * Transactions):F2} us ({plainRate * Transactions:N0} tx/s)");
        summary.Add(new SummaryRow(
            "erc20 transfer txs vs Nethereum.EVM",
            $"{ourRate * Transactions:N0} tx/s, {CallBenchmarks.Mgas(ourRate, blockGas)} Mgas/s, {CallBenchmarks.Mops(ourRate, opcodes)} Mop/s",
            $"{peerRate * Transactions:N0} tx/s, {CallBenchmarks.Mgas(peerRate, blockGas)} Mgas/s, {CallBenchmarks.Mops(peerRate, opcodes)} Mop/s",
            $"{ratio:F1}x",
            $">= {CallBenchmarks.PeerGoal}x",
            Summary.Verdict(ratio, CallBenchmarks.PeerGoal)));
    }
}
