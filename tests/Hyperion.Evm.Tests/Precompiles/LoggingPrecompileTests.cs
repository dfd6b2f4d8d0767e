using Hyperion.Core;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Evm.Tests.Precompiles;

/// <summary>
/// <see cref="ILoggingPrecompile"/>: its logs land in the journal under the precompile's address, know whether the
/// call was static, and go away with a failed call or a reverting caller.
/// </summary>
public sealed class LoggingPrecompileTests
{
    private static readonly Address PrecompileAddress = Address.Parse("0x0000000000000000000000000000000000000a11");
    private static readonly Hash256 Topic = Hash256.FromUInt256(0xabc);

    [Fact]
    public void A_call_that_succeeds_keeps_its_log()
    {
        var precompile = new EchoLogger(succeed: true);
        var (result, journal) = Harness(precompile, CallPrecompile(Opcode.CALL).Op(Opcode.STOP)).Run();

        Assert.True(result.IsSuccess);
        var log = Assert.Single(journal.Logs);
        Assert.Equal(PrecompileAddress, log.Address);
        Assert.Equal([Topic], log.Topics);
        Assert.Equal([0x2a], log.Data);
        Assert.False(precompile.LastCallWasStatic);
    }

    [Fact]
    public void A_static_call_is_told_it_is_static_and_may_still_log()
    {
        var precompile = new EchoLogger(succeed: true);
        var (result, journal) = Harness(precompile, CallPrecompile(Opcode.STATICCALL).Op(Opcode.STOP)).Run();

        Assert.True(result.IsSuccess);
        Assert.Single(journal.Logs);
        Assert.True(precompile.LastCallWasStatic);
    }

    [Fact]
    public void A_failing_call_drops_its_log()
    {
        var (result, journal) = Harness(new EchoLogger(succeed: false), CallPrecompile(Opcode.CALL).ReturnTop()).Run();

        Assert.True(result.IsSuccess);
        Assert.Equal(UInt256.Zero, EvmHarness.Word(result.Output));
        Assert.Empty(journal.Logs);
    }

    [Fact]
    public void A_reverting_caller_drops_the_log()
    {
        var (result, journal) = Harness(new EchoLogger(succeed: true), CallPrecompile(Opcode.CALL).Push(0).Push(0).Op(Opcode.REVERT)).Run();

        Assert.False(result.IsSuccess);
        Assert.Empty(journal.Logs);
    }

    private static EvmHarness Harness(IPrecompile precompile, byte[] code) =>
        new EvmHarness { Precompiles = StandardPrecompiles.Cancun().With(PrecompileAddress, precompile) }.WithCode(code);

    /// <summary>CALL or STATICCALL of the precompile with one byte of input (0x2a), leaving the success flag on the stack.</summary>
    private static Bytecode CallPrecompile(Opcode call)
    {
        var code = new Bytecode().Push(0x2a).Push(0).Op(Opcode.MSTORE8).Push(0).Push(0).Push(1).Push(0);
        if (call == Opcode.CALL)
        {
            code.Push(0);
        }

        return code.Push(PrecompileAddress).Op(Opcode.GAS, call);
    }

    private sealed class EchoLogger(bool succeed) : ILoggingPrecompile
    {
        public bool LastCallWasStatic { get; private set; }

        public long GasCost(ReadOnlySpan<byte> input) => 100;

        public bool TryRun(ReadOnlySpan<byte> input, out byte[] output) => throw new InvalidOperationException("the interpreter must call the logging overload");

        public bool TryRun(ReadOnlySpan<byte> input, PrecompileLogSink logs, out byte[] output)
        {
            LastCallWasStatic = logs.IsStaticCall;
            logs.Emit([Topic], input.ToArray());
            output = succeed ? [1] : [];
            return succeed;
        }
    }
}
