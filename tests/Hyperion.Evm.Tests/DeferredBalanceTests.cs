using Hyperion.Core;

namespace Hyperion.Evm.Tests;

/// <summary>
/// Over an <see cref="IDeferredBalanceReader"/> the journal reads an existing account's balance only when the
/// transaction uses it: never for a call that moves no value and does not look at the balance, always before the
/// balance is compared, moved, shown to the code, or carried by a write of the account.
/// </summary>
public sealed class DeferredBalanceTests
{
    [Fact]
    public void A_call_that_moves_no_value_does_not_read_the_contracts_balance()
    {
        var harness = new EvmHarness().WithCode(new Bytecode().Push(1).Push(0).Op(Opcode.SSTORE), balance: 500);
        var reader = new DeferringReader(harness.State);

        // Without a read set, which would report (and so read) every account loaded, as a Block-STM worker runs it.
        var result = new TransactionProcessor(harness.Spec, harness.Precompiles, buildReadSet: false)
            .Execute(harness.NewTransaction(EvmHarness.ContractAddress, gasLimit: 100_000), harness.Block, reader);

        Assert.True(result.Succeeded);
        Assert.DoesNotContain(EvmHarness.ContractAddress, reader.BalancesRead);

        // The sender's balance pays for the gas: it is read, once.
        Assert.Equal([EvmHarness.Sender], reader.BalancesRead);
        Assert.DoesNotContain(result.WriteSet.Accounts, write => write.Address == EvmHarness.ContractAddress);
    }

    [Fact]
    public void A_value_less_call_between_contracts_reads_neither_balance()
    {
        var harness = new EvmHarness()
            .WithCode(new Bytecode().Push(0).Push(0).Push(0).Push(0).Push(0).Push(EvmHarness.OtherAddress.ToUInt256()).Push(50_000).Op(Opcode.CALL), balance: 500)
            .WithCode(new Bytecode().Push(1).Push(0).Op(Opcode.SSTORE), EvmHarness.OtherAddress, balance: 3);
        var reader = new DeferringReader(harness.State);
        var result = new TransactionProcessor(harness.Spec, harness.Precompiles, buildReadSet: false)
            .Execute(harness.NewTransaction(EvmHarness.ContractAddress, gasLimit: 200_000), harness.Block, reader);

        Assert.True(result.Succeeded);
        Assert.Equal(new UInt256(1), Assert.Single(result.WriteSet.Storage).Value);
        Assert.Equal([EvmHarness.Sender], reader.BalancesRead);
    }

    [Fact]
    public void Selfbalance_reads_the_deferred_balance()
    {
        var harness = new EvmHarness().WithCode(new Bytecode().Op(Opcode.SELFBALANCE).Push(0).Op(Opcode.SSTORE), balance: 500);
        var reader = new DeferringReader(harness.State);
        var result = new TransactionProcessor(harness.Spec, harness.Precompiles)
            .Execute(harness.NewTransaction(EvmHarness.ContractAddress, gasLimit: 100_000), harness.Block, reader);

        Assert.True(result.Succeeded);
        Assert.Contains(EvmHarness.ContractAddress, reader.BalancesRead);
        var stored = Assert.Single(result.WriteSet.Storage);
        Assert.Equal(new UInt256(500), stored.Value);
    }

    [Fact]
    public void A_write_of_the_account_carries_its_real_balance()
    {
        // CREATE with no value and no code: only the creator's nonce changes, so its write must still carry the balance.
        var harness = new EvmHarness().WithCode(new Bytecode().Push(0).Push(0).Push(0).Op(Opcode.CREATE), balance: 500);
        var reader = new DeferringReader(harness.State);
        var result = new TransactionProcessor(harness.Spec, harness.Precompiles)
            .Execute(harness.NewTransaction(EvmHarness.ContractAddress, gasLimit: 200_000), harness.Block, reader);

        Assert.True(result.Succeeded);
        var creator = Assert.Single(result.WriteSet.Accounts, write => write.Address == EvmHarness.ContractAddress);
        Assert.Equal(2UL, creator.Nonce);
        Assert.Equal(new UInt256(500), creator.Balance);

        // The read set reports what the account held, the balance included.
        var read = Assert.Single(result.ReadSet.Accounts, read => read.Address == EvmHarness.ContractAddress);
        Assert.Equal(new UInt256(500), read.Account!.Value.Balance);
    }

    [Fact]
    public void A_call_that_moves_value_reads_both_balances()
    {
        var harness = new EvmHarness()
            .WithCode(new Bytecode().Push(0).Push(0).Push(0).Push(0).Push(7).Push(EvmHarness.OtherAddress.ToUInt256()).Push(50_000).Op(Opcode.CALL), balance: 500)
            .WithCode(new Bytecode().Op(Opcode.STOP), EvmHarness.OtherAddress, balance: 3);
        var reader = new DeferringReader(harness.State);
        var result = new TransactionProcessor(harness.Spec, harness.Precompiles)
            .Execute(harness.NewTransaction(EvmHarness.ContractAddress, gasLimit: 200_000), harness.Block, reader);

        Assert.True(result.Succeeded);
        Assert.Contains(EvmHarness.ContractAddress, reader.BalancesRead);
        Assert.Contains(EvmHarness.OtherAddress, reader.BalancesRead);
        Assert.Equal(new UInt256(493), Assert.Single(result.WriteSet.Accounts, write => write.Address == EvmHarness.ContractAddress).Balance);
        Assert.Equal(new UInt256(10), Assert.Single(result.WriteSet.Accounts, write => write.Address == EvmHarness.OtherAddress).Balance);
    }

    /// <summary>Defers every existing account's balance and notes which balances were then asked for.</summary>
    private sealed class DeferringReader(InMemoryState state) : IDeferredBalanceReader
    {
        public List<Address> BalancesRead { get; } = [];

        public bool TryGetAccountDeferringBalance(in Address address, out AccountInfo account, out bool balanceDeferred)
        {
            balanceDeferred = state.TryGetAccount(address, out account);
            account = account with { Balance = UInt256.Zero };
            return balanceDeferred;
        }

        public UInt256 ReadDeferredBalance(in Address address)
        {
            BalancesRead.Add(address);
            return state.TryGetAccount(address, out var account) ? account.Balance : throw new InvalidOperationException($"{address} has no balance to defer.");
        }

        public bool TryGetAccount(in Address address, out AccountInfo account) => state.TryGetAccount(address, out account);

        public byte[] GetCode(in Hash256 codeHash) => state.GetCode(codeHash);

        public UInt256 GetStorage(in Address address, in UInt256 slot) => state.GetStorage(address, slot);

        public Hash256 GetBlockHash(ulong number) => state.GetBlockHash(number);
    }
}
