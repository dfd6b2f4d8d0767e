using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.Execution.Tests.Evm;

/// <summary>
/// The contracts the EVM-level tests and the benchmark run, written in assembly (see <see cref="Assembler"/>) with
/// what each step leaves on the stack. Storage follows Solidity's layout where there is a mapping:
/// mapping(address => uint) at slot p keeps holder h at keccak(pad32(h) ‖ pad32(p)).
/// </summary>
internal static class TestContracts
{
    /// <summary>keccak("Transfer(address,address,uint256)").</summary>
    public static readonly Hash256 TransferTopic = Keccak256.Compute("Transfer(address,address,uint256)"u8);

    /// <summary>keccak("Swap(address,uint256,uint256)").</summary>
    public static readonly Hash256 SwapTopic = Keccak256.Compute("Swap(address,uint256,uint256)"u8);

    /// <summary>
    /// A minimal ERC-20: transfer(address,uint256) (selector a9059cbb) and balanceOf(address) (70a08231);
    /// balances is the mapping at slot 0. A transfer above the sender's balance reverts.
    /// </summary>
    public static readonly byte[] Erc20 = Assembler.Assemble($"""
        PUSH 0 CALLDATALOAD PUSH 0xe0 SHR           ; [selector]
        DUP1 PUSH4 0xa9059cbb EQ @transfer JUMPI
        DUP1 PUSH4 0x70a08231 EQ @balanceOf JUMPI
        PUSH 0 DUP1 REVERT

        transfer:
        CALLER PUSH 0 MSTORE PUSH 0 PUSH 32 MSTORE  ; memory: caller ‖ 0
        PUSH 64 PUSH 0 KECCAK256                    ; [fromSlot]
        DUP1 SLOAD                                  ; [fromSlot, fromBalance]
        PUSH 36 CALLDATALOAD                        ; [fromSlot, fromBalance, amount]
        DUP1 DUP3 LT @fail JUMPI                    ; fromBalance < amount: revert
        SWAP1 SUB                                   ; [fromSlot, fromBalance - amount]
        SWAP1 SSTORE                                ; []
        PUSH 4 CALLDATALOAD PUSH 0 MSTORE           ; memory: to ‖ 0
        PUSH 64 PUSH 0 KECCAK256                    ; [toSlot]
        DUP1 SLOAD PUSH 36 CALLDATALOAD ADD         ; [toSlot, toBalance + amount]
        SWAP1 SSTORE                                ; []
        PUSH 36 CALLDATALOAD PUSH 0 MSTORE          ; log data: amount
        PUSH 4 CALLDATALOAD CALLER PUSH32 {TransferTopic}
        PUSH 32 PUSH 0 LOG3                         ; Transfer(from, to, amount)
        PUSH 1 PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN  ; true

        balanceOf:
        PUSH 4 CALLDATALOAD PUSH 0 MSTORE PUSH 0 PUSH 32 MSTORE
        PUSH 64 PUSH 0 KECCAK256 SLOAD
        PUSH 0 MSTORE PUSH 32 PUSH 0 RETURN

        fail:
        PUSH 0 DUP1 REVERT
        """);

    /// <summary>
    /// A constant-product pool with its two tokens kept in its own ledgers (so a swap is one contract):
    /// reserve0 at slot 0, reserve1 at slot 1, token0 balances the mapping at slot 2, token1 the mapping at slot 3.
    /// Any call is swap(zeroForOne, amountIn): calldata word 0 says the direction (non-zero: token0 in),
    /// word 1 the amount in; out = in·997·reserveOut / (reserveIn·1000 + in·997) (Uniswap V2's 0.3% fee). The
    /// caller's input ledger must cover the input or the swap reverts. Emits Swap(caller, in, out), returns out.
    /// Memory: 0x80 z (1 when token0 goes in), 0xa0 amountIn, 0xc0 reserveIn, 0xe0 reserveOut, 0x100 amountOut.
    /// </summary>
    public static readonly byte[] Pool = Assembler.Assemble($"""
        PUSH 0 CALLDATALOAD ISZERO ISZERO PUSH 0x80 MSTORE   ; z
        PUSH 32 CALLDATALOAD PUSH 0xa0 MSTORE                ; amountIn
        PUSH 0x80 MLOAD PUSH 1 SUB SLOAD PUSH 0xc0 MSTORE    ; reserveIn = slot[1 - z]
        PUSH 0x80 MLOAD SLOAD PUSH 0xe0 MSTORE               ; reserveOut = slot[z]
        PUSH 997 PUSH 0xa0 MLOAD MUL                         ; [x = in·997]
        DUP1 PUSH 0xe0 MLOAD MUL                             ; [x, x·reserveOut]
        SWAP1                                                ; [x·reserveOut, x]
        PUSH 1000 PUSH 0xc0 MLOAD MUL ADD                    ; [x·reserveOut, reserveIn·1000 + x]
        SWAP1 DIV PUSH 0x100 MSTORE                          ; amountOut
        CALLER PUSH 0 MSTORE
        PUSH 0x80 MLOAD PUSH 3 SUB PUSH 32 MSTORE            ; input ledger: mapping at 2 + (1 - z)
        PUSH 64 PUSH 0 KECCAK256                             ; [inSlot]
        DUP1 SLOAD PUSH 0xa0 MLOAD                           ; [inSlot, balance, in]
        DUP1 DUP3 LT @fail JUMPI                             ; balance < in: revert
        SWAP1 SUB SWAP1 SSTORE                               ; ledger -= in
        PUSH 0x80 MLOAD PUSH 2 ADD PUSH 32 MSTORE            ; output ledger: mapping at 2 + z
        PUSH 64 PUSH 0 KECCAK256
        DUP1 SLOAD PUSH 0x100 MLOAD ADD SWAP1 SSTORE         ; ledger += out
        PUSH 0xa0 MLOAD PUSH 0xc0 MLOAD ADD                  ; [reserveIn + in]
        PUSH 0x80 MLOAD PUSH 1 SUB SSTORE                    ; slot[1 - z] = reserveIn + in
        PUSH 0x100 MLOAD PUSH 0xe0 MLOAD SUB                 ; [reserveOut - out]
        PUSH 0x80 MLOAD SSTORE                               ; slot[z] = reserveOut - out
        PUSH 0x100 MLOAD PUSH 0xc0 MSTORE                    ; log data: in ‖ out at 0xa0
        CALLER PUSH32 {SwapTopic} PUSH 64 PUSH 0xa0 LOG2     ; Swap(caller, in, out)
        PUSH 32 PUSH 0x100 RETURN

        fail:
        PUSH 0 DUP1 REVERT
        """);

    /// <summary>Adds one to slot 0.</summary>
    public static readonly byte[] Counter = Assembler.Assemble("PUSH 0 SLOAD PUSH 1 ADD PUSH 0 SSTORE STOP");

    /// <summary>Writes slot 0, then reverts: the write must not survive, the gas is still paid.</summary>
    public static readonly byte[] Reverter = Assembler.Assemble("PUSH 1 PUSH 0 SSTORE PUSH 0 DUP1 REVERT");

    /// <summary>
    /// Each call creates a child (with the call's value) whose init code writes a slot and self-destructs to the
    /// coinbase: created and destroyed in one transaction, so the child is deleted (EIP-6780) and its value lands
    /// on the coinbase as a plain write. The child's address goes to slot 0.
    /// Child init code: PUSH1 7 PUSH1 1 SSTORE COINBASE SELFDESTRUCT (7 bytes, right-aligned in word 0).
    /// </summary>
    public static readonly byte[] EphemeralFactory = Assembler.Assemble("""
        PUSH7 0x600760015541ff PUSH 0 MSTORE
        PUSH 7 PUSH 25 CALLVALUE CREATE                      ; [child]
        PUSH 0 SSTORE STOP
        """);

    /// <summary>CREATE2 with salt 0 of the calldata as init code; the new address goes to slot 0.</summary>
    public static readonly byte[] Create2Factory = Assembler.Assemble("""
        CALLDATASIZE PUSH 0 PUSH 0 CALLDATACOPY
        PUSH 0 CALLDATASIZE PUSH 0 PUSH 0 CREATE2            ; [address]
        PUSH 0 SSTORE STOP
        """);

    /// <summary>Self-destructs to the caller. Not created in the calling transaction, so it only sends its balance (EIP-6780).</summary>
    public static readonly byte[] Sweeper = Assembler.Assemble("CALLER SELFDESTRUCT");

    /// <summary>Stores BALANCE(calldata word 0) at the slot named by that address: reads a balance others credit lazily.</summary>
    /// <summary>
    /// Three calls on one storage, by calldata word 0: 0 raises a flag (slot 0 += 1); 1 opens a gate only while the flag
    /// is down (slot 0 zero: slot 1 = 1, otherwise nothing is written); 2 copies the gate (slot 2 = slot 1 + 1). A gate
    /// call run over a stale flag writes a slot its real run does not, and a copy run after it reads that write.
    /// </summary>
    public static readonly byte[] FlagGate = Assembler.Assemble("""
        PUSH 0 CALLDATALOAD
        DUP1 ISZERO @raise JUMPI
        PUSH 1 EQ @gate JUMPI
        PUSH 1 SLOAD PUSH 1 ADD PUSH 2 SSTORE STOP

        raise:
        POP PUSH 0 SLOAD PUSH 1 ADD PUSH 0 SSTORE STOP

        gate:
        PUSH 0 SLOAD @closed JUMPI
        PUSH 1 PUSH 1 SSTORE STOP

        closed:
        STOP
        """);

    /// <summary>Stores the coinbase's balance (every tip before it, included) under the caller.</summary>
    public static readonly byte[] CoinbaseProbe = Assembler.Assemble("COINBASE BALANCE CALLER SSTORE STOP");

    public static readonly byte[] BalanceProbe = Assembler.Assemble("PUSH 0 CALLDATALOAD DUP1 BALANCE SWAP1 SSTORE STOP");

    /// <summary>Stores slot 1 plus one in slot 2: shows what slot 1 reads as.</summary>
    public static readonly byte[] SlotCopier = Assembler.Assemble("PUSH 1 SLOAD PUSH 1 ADD PUSH 2 SSTORE STOP");

    /// <summary>The slot of <paramref name="holder"/> in the mapping at slot <paramref name="mappingSlot"/>.</summary>
    public static UInt256 MappingSlot(in Address holder, ulong mappingSlot)
    {
        Span<byte> preimage = stackalloc byte[64];
        preimage.Clear();
        holder.CopyTo(preimage[12..32]);
        new UInt256(mappingSlot).WriteBigEndian(preimage[32..]);
        return Keccak256.Compute(preimage).ToUInt256();
    }

    /// <summary>Calldata: a 4-byte selector then 32-byte words.</summary>
    public static byte[] Call(uint selector, params UInt256[] words)
    {
        var data = new byte[4 + (32 * words.Length)];
        data[0] = (byte)(selector >> 24);
        data[1] = (byte)(selector >> 16);
        data[2] = (byte)(selector >> 8);
        data[3] = (byte)selector;
        for (var i = 0; i < words.Length; i++)
        {
            words[i].WriteBigEndian(data.AsSpan(4 + (32 * i), 32));
        }

        return data;
    }

    /// <summary>Calldata of 32-byte words, no selector.</summary>
    public static byte[] Words(params UInt256[] words)
    {
        var data = new byte[32 * words.Length];
        for (var i = 0; i < words.Length; i++)
        {
            words[i].WriteBigEndian(data.AsSpan(32 * i, 32));
        }

        return data;
    }
}
