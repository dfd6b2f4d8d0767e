using Hyperion.Core;

namespace Hyperion.Evm.Tests;

/// <summary>Contract creation: addresses, EIP-3860 init code limits, EIP-3541, EIP-170 and collisions.</summary>
public sealed class CreateTests
{
    [Theory]
    [InlineData("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0", 0UL, "0xcd234a471b72ba2f1ccf0a70fcaba648a5eecd8d")]
    [InlineData("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0", 1UL, "0x343c43a37d37dff08ae8c4a11544c718abb4fcf8")]
    [InlineData("0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0", 2UL, "0xf778b86fa74e846c4f0a1fbd1335fe81c00a0c91")]
    public void Create_addresses_follow_the_sender_and_nonce(string sender, ulong nonce, string expected) =>
        Assert.Equal(Address.Parse(expected), ContractAddress.From(Address.Parse(sender), nonce));

    [Theory]
    [InlineData("0x0000000000000000000000000000000000000000", "0x00", "0x00", "0x4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38")]
    [InlineData("0xdeadbeef00000000000000000000000000000000", "0x00", "0x00", "0xB928f69Bb1D91Cd65274e3c79d8986362984fDA3")]
    [InlineData("0x00000000000000000000000000000000deadbeef", "0xcafebabe", "0xdeadbeef", "0x60f3f640a8508fC6a86d45DF051962668E1e8AC7")]
    public void Create2_addresses_match_eip_1014(string sender, string salt, string initCode, string expected) =>
        Assert.Equal(Address.Parse(expected), ContractAddress.From(Address.Parse(sender), UInt256.Parse(salt), Hex.Decode(initCode)));

    [Fact]
    public void A_creating_transaction_deploys_the_returned_code_at_the_sender_nonce_address()
    {
        var runtime = new Bytecode().Push(42).ReturnTop().ToArray();
        var harness = new EvmHarness();
        var result = harness.Transact(harness.NewTransaction(to: null, data: Bytecode.Deploying(runtime)));

        var expected = ContractAddress.From(EvmHarness.Sender, 0);
        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(expected, result.ContractAddress);
        Assert.Equal(runtime, harness.State.GetCodeOf(expected));
        Assert.True(harness.State.TryGetAccount(expected, out var account));
        Assert.Equal(1UL, account.Nonce);
    }

    [Fact]
    public void Create_with_init_code_over_the_eip_3860_limit_halts_the_creator()
    {
        // CREATE(0, 0, 49153): the memory is paid for, the size is not allowed.
        var code = new Bytecode().Push(49_153).Push(0).Push(0).Op(Opcode.CREATE);
        var (result, _) = new EvmHarness().WithCode(code).Run(gas: 10_000_000);
        Assert.Equal(EvmStatus.OutOfGas, result.Status);
    }

    [Fact]
    public void Init_code_words_cost_two_gas_each()
    {
        // CREATE of 64 zero bytes (two words of STOP) versus 32: one more word of memory and one more init code word.
        long GasFor(int length) =>
            new EvmHarness().WithCode(new Bytecode().Push((ulong)length).Push(0).Push(0).Op(Opcode.CREATE)).GasUsedBy(gas: 10_000_000);

        var extraMemory = EvmMemory.Cost(2) - EvmMemory.Cost(1);
        Assert.Equal(extraMemory + GasCosts.InitCodeWord, GasFor(64) - GasFor(32));
    }

    [Theory]
    [InlineData(0xEF, false)]
    [InlineData(0xFE, true)]
    public void New_code_starting_with_0xEF_is_refused(byte firstByte, bool deployed)
    {
        // Init code: MSTORE8(0, firstByte), RETURN(0, 1); the creator returns what CREATE pushed.
        var init = new Bytecode().Raw((byte)Opcode.PUSH1, firstByte).Push(0).Op(Opcode.MSTORE8).Push(1).Push(0).Op(Opcode.RETURN).ToArray();
        var (result, _) = new EvmHarness().WithCode(CreatorOf(init)).Run(gas: 1_000_000);
        Assert.True(result.IsSuccess);
        Assert.Equal(deployed, !EvmHarness.Word(result.Output).IsZero);
    }

    [Theory]
    [InlineData(24_576, true)]
    [InlineData(24_577, false)]
    public void Deployed_code_is_limited_to_24576_bytes(int size, bool deployed)
    {
        var init = new Bytecode().Push((ulong)size).Push(0).Op(Opcode.RETURN).ToArray();
        var (result, _) = new EvmHarness().WithCode(CreatorOf(init)).Run(gas: 10_000_000);
        Assert.Equal(deployed, !EvmHarness.Word(result.Output).IsZero);
    }

    [Fact]
    public void Create2_at_a_taken_address_fails_and_keeps_the_first_contract()
    {
        // CREATE2 twice with the same salt and empty init code: the second collides (the first has nonce 1).
        var code = new Bytecode()
            .Push(0).Push(0).Push(0).Push(0).Op(Opcode.CREATE2, Opcode.POP)
            .Push(0).Push(0).Push(0).Push(0).Op(Opcode.CREATE2).ReturnTop();
        var (result, _) = new EvmHarness().WithCode(code).Run();
        Assert.True(result.IsSuccess);
        Assert.Equal(UInt256.Zero, EvmHarness.Word(result.Output));
    }

    /// <summary>Code that stores <paramref name="init"/> in memory, runs CREATE on it and returns the address it got.</summary>
    private static byte[] CreatorOf(byte[] init)
    {
        var code = new Bytecode();
        for (var i = 0; i < init.Length; i++)
        {
            code.Raw((byte)Opcode.PUSH1, init[i]).Push((ulong)i).Op(Opcode.MSTORE8);
        }

        return code.Push((ulong)init.Length).Push(0).Push(0).Op(Opcode.CREATE).ReturnTop();
    }
}
