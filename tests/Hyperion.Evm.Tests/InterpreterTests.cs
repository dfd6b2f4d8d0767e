using CsCheck;
using Hyperion.Core;

namespace Hyperion.Evm.Tests;

/// <summary>The interpreter's own rules: the fork tables, the stack limits, jumps, and the journal.</summary>
public sealed class InterpreterTests
{
    [Fact]
    public void Each_fork_adds_its_opcodes()
    {
        Assert.False(EvmSpecs.Paris.Instructions.IsDefined(Opcode.PUSH0));
        Assert.True(EvmSpecs.Shanghai.Instructions.IsDefined(Opcode.PUSH0));
        Assert.False(EvmSpecs.Shanghai.Instructions.IsDefined(Opcode.TLOAD));
        Assert.True(EvmSpecs.Cancun.Instructions.IsDefined(Opcode.MCOPY));
        Assert.False(EvmSpecs.Frontier.Instructions.IsDefined(Opcode.DELEGATECALL));
        Assert.False(EvmSpecs.Byzantium.Instructions.IsDefined(Opcode.SHL));
        Assert.Equal(700, EvmSpecs.Istanbul.Instructions[Opcode.BALANCE].StaticGas);
        Assert.Equal(100, EvmSpecs.Cancun.Instructions[Opcode.BALANCE].StaticGas);
        Assert.Contains(EvmSpecs.Cancun.Eips, eip => eip.Number == 6780);
        Assert.Same(EvmSpecs.Petersburg, EvmSpecs.ByName("ConstantinopleFix"));
    }

    [Fact]
    public void An_opcode_from_a_later_fork_is_invalid()
    {
        var (result, _) = new EvmHarness(EvmSpecs.Paris).WithCode([(byte)Opcode.PUSH0]).Run();
        Assert.Equal(EvmStatus.InvalidOpcode, result.Status);
    }

    [Fact]
    public void The_stack_holds_1024_items()
    {
        var fits = Enumerable.Repeat((byte)Opcode.PUSH0, 1024).ToArray();
        Assert.Equal(EvmStatus.Stopped, new EvmHarness().WithCode(fits).Run().Result.Status);

        var overflows = Enumerable.Repeat((byte)Opcode.PUSH0, 1025).ToArray();
        Assert.Equal(EvmStatus.StackOverflow, new EvmHarness().WithCode(overflows).Run().Result.Status);
    }

    [Fact]
    public void Popping_an_empty_stack_underflows()
    {
        Assert.Equal(EvmStatus.StackUnderflow, new EvmHarness().WithCode([(byte)Opcode.PUSH0, (byte)Opcode.ADD]).Run().Result.Status);
    }

    [Fact]
    public void A_jump_into_push_data_is_invalid()
    {
        // PUSH1 0x03, JUMP, PUSH1 0x5b: offset 3 is a 0x5b byte inside PUSH data.
        var (result, _) = new EvmHarness().WithCode([0x60, 0x04, 0x56, 0x60, 0x5b]).Run();
        Assert.Equal(EvmStatus.InvalidJump, result.Status);

        // The same jump to a real JUMPDEST works.
        (result, _) = new EvmHarness().WithCode([0x60, 0x03, 0x56, 0x5b]).Run();
        Assert.Equal(EvmStatus.Stopped, result.Status);
    }

    [Fact]
    public void Jump_destination_analysis_skips_push_data()
    {
        Gen.Byte.Array[0, 200].Sample(code =>
        {
            var info = new CodeInfo(code);
            var expected = new bool[code.Length];
            for (var pc = 0; pc < code.Length; pc++)
            {
                if (code[pc] == (byte)Opcode.JUMPDEST)
                {
                    expected[pc] = true;
                }
                else if (code[pc] is >= (byte)Opcode.PUSH1 and <= (byte)Opcode.PUSH32)
                {
                    pc += code[pc] - (byte)Opcode.PUSH1 + 1;
                }
            }

            for (var pc = 0; pc < code.Length; pc++)
            {
                Assert.Equal(expected[pc], info.IsValidJumpDestination(pc));
            }

            Assert.False(info.IsValidJumpDestination(code.Length));
            Assert.False(info.IsValidJumpDestination(-1));
        });
    }

    [Fact]
    public void Gas_and_pc_report_the_state_after_the_instruction_is_paid()
    {
        // JUMPDEST, PC (pushes 1), GAS: 1 + 2 + 2 spent before GAS reads.
        var (result, _) = new EvmHarness().WithCode(new Bytecode().Op(Opcode.JUMPDEST, Opcode.PC, Opcode.GAS, Opcode.ADD).ReturnTop()).Run(gas: 1000);
        Assert.Equal(new UInt256(1 + (1000 - 1 - 2 - 2)), EvmHarness.Word(result.Output));
    }

    [Fact]
    public void Revert_undoes_balances_nonces_storage_warmth_and_logs()
    {
        var state = new InMemoryState().SetAccount(EvmHarness.OtherAddress, 3, 100);
        var journal = new JournaledState();
        journal.Begin(state);
        var snapshot = journal.Snapshot();
        journal.AddBalance(EvmHarness.OtherAddress, 50);
        journal.SetNonce(EvmHarness.OtherAddress, 4);
        journal.SetStorage(EvmHarness.OtherAddress, 1, 9);
        journal.WarmUpSlot(EvmHarness.OtherAddress, 1);
        journal.AddRefund(4800);
        journal.AddLog(new LogEntry(EvmHarness.OtherAddress, [], []));
        journal.Revert(snapshot);

        Assert.Equal(new UInt256(100), journal.GetBalance(EvmHarness.OtherAddress));
        Assert.Equal(3UL, journal.GetNonce(EvmHarness.OtherAddress));
        Assert.Equal(UInt256.Zero, journal.GetStorage(EvmHarness.OtherAddress, 1));
        Assert.False(journal.IsSlotWarm(EvmHarness.OtherAddress, 1));
        Assert.Equal(0, journal.Refund);
        Assert.Empty(journal.Logs);
        Assert.Empty(journal.BuildWriteSet(deleteEmptyTouched: true).Accounts);
    }

    [Fact]
    public void The_json_tracer_writes_one_line_per_step()
    {
        var harness = new EvmHarness().WithCode(new Bytecode().Push(1).Push(2).Op(Opcode.ADD));
        var journal = new JournaledState();
        journal.Begin(harness.State);
        var vm = new VirtualMachine(EvmSpecs.Cancun, harness.Precompiles, journal);
        using var writer = new StringWriter();
        var tracer = new JsonLineTracer(writer);
        vm.Execute(new Message(FrameKind.Call, EvmHarness.Sender, EvmHarness.ContractAddress, UInt256.Zero, [], 100_000), ref tracer);

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Contains("\"opName\":\"ADD\"", lines[2], StringComparison.Ordinal);
        Assert.Contains("\"stack\":[\"0x1\",\"0x2\"]", lines[2], StringComparison.Ordinal);
    }
}
