using System.Numerics;
using Hyperion.Core;
using Hyperion.Core.Crypto;

namespace Hyperion.Evm.Benchmarks;

/// <summary>
/// The benchmark contracts as runtime bytecode written by hand, one instruction a line with its offset and the
/// stack after it (top on the right), plus a C# model of what each returns so that every engine's answer is
/// checked against something that is not an EVM. No compiler is involved, so the bytes are the same on every
/// machine and in every engine.
/// </summary>
internal static class Contracts
{
    // Constants of the compute loop: two multipliers from the hexadecimal digits of pi and the secp256k1 field
    // prime as modulus, so that MUL, ADD and MOD work on full 256-bit words rather than small numbers.
    private static readonly UInt256 ComputeSeed = UInt256.Parse("0x243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89");
    private static readonly UInt256 ComputeMultiplier = UInt256.Parse("0x452821e638d01377be5466cf34e90c6cc0ac29b7c97c50dd3f84d5b5b5470917");
    private static readonly UInt256 ComputeAddend = UInt256.Parse("0x13198a2e03707344a4093822299f31d0082efa98ec4e6c89452821e638d01377");
    private static readonly UInt256 ComputeModulus = UInt256.Parse("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
    private const int ComputeExponent = 7; // the PUSH1 7 at offset 8e of Compute

    /// <summary>keccak256("Transfer(address,address,uint256)"), the ERC-20 event's topic.</summary>
    public static readonly Hash256 TransferTopic = Hash256.Parse("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");

    /// <summary>
    /// Compute loop. Calldata: n (one word, n ≥ 1). Runs n iterations of
    /// <c>t = acc·K1 + K2; u = t mod P; acc = acc + (u xor u^7)</c> (all mod 2^256) and returns acc.
    /// 22 instructions and 132 gas an iteration (EXP with a one-byte exponent is 60 of them).
    /// </summary>
    public static readonly byte[] Compute = Hex.Decode(string.Concat(
        "7f" + Hex.Encode(ComputeSeed.ToBigEndian(), withPrefix: false), // 00 PUSH32 seed          [acc]
        "6000",                     // 21 PUSH1 0                                    [acc, 0]
        "35",                       // 23 CALLDATALOAD                               [acc, i=n]
        "5b",                       // 24 JUMPDEST  loop:                            [acc, i]
        "90",                       // 25 SWAP1                                      [i, acc]
        "7f" + Hex.Encode(ComputeMultiplier.ToBigEndian(), withPrefix: false), // 26 PUSH32 K1 [i, acc, K1]
        "81",                       // 47 DUP2                                       [i, acc, K1, acc]
        "02",                       // 48 MUL                                        [i, acc, acc·K1]
        "7f" + Hex.Encode(ComputeAddend.ToBigEndian(), withPrefix: false), // 49 PUSH32 K2 [i, acc, acc·K1, K2]
        "01",                       // 6a ADD                                        [i, acc, t]
        "7f" + Hex.Encode(ComputeModulus.ToBigEndian(), withPrefix: false), // 6b PUSH32 P [i, acc, t, P]
        "90",                       // 8c SWAP1                                      [i, acc, P, t]
        "06",                       // 8d MOD                                        [i, acc, u=t mod P]
        "6007",                     // 8e PUSH1 7                                    [i, acc, u, 7]
        "81",                       // 90 DUP2                                       [i, acc, u, 7, u]
        "0a",                       // 91 EXP                                        [i, acc, u, u^7]
        "18",                       // 92 XOR                                        [i, acc, u xor u^7]
        "01",                       // 93 ADD                                        [i, acc']
        "90",                       // 94 SWAP1                                      [acc', i]
        "6001",                     // 95 PUSH1 1                                    [acc', i, 1]
        "90",                       // 97 SWAP1                                      [acc', 1, i]
        "03",                       // 98 SUB                                        [acc', i-1]
        "80",                       // 99 DUP1                                       [acc', i-1, i-1]
        "610024",                   // 9a PUSH2 loop                                 [acc', i-1, i-1, 0x24]
        "57",                       // 9d JUMPI  (while i-1 != 0)                    [acc', i-1]
        "50",                       // 9e POP                                        [acc]
        "6000",                     // 9f PUSH1 0                                    [acc, 0]
        "52",                       // a1 MSTORE  memory[0..32) = acc                []
        "6020",                     // a2 PUSH1 32
        "6000",                     // a4 PUSH1 0
        "f3"));                     // a6 RETURN memory[0..32)

    /// <summary>
    /// Keccak loop. Calldata: n (one word, n ≥ 1). Memory is <c>x ‖ n</c> with x = 0; n times, x = keccak256 of
    /// those 64 bytes; returns x. 12 instructions and 80 gas an iteration (KECCAK256 of two words is 42).
    /// </summary>
    public static readonly byte[] Keccak = Hex.Decode(string.Concat(
        "6000",                     // 00 PUSH1 0                                    [0]
        "35",                       // 02 CALLDATALOAD                               [n]
        "80",                       // 03 DUP1                                       [n, n]
        "6020",                     // 04 PUSH1 32                                   [n, n, 32]
        "52",                       // 06 MSTORE  memory[32..64) = n                 [i=n]
        "5b",                       // 07 JUMPDEST  loop:                            [i]
        "6040",                     // 08 PUSH1 64                                   [i, 64]
        "6000",                     // 0a PUSH1 0                                    [i, 64, 0]
        "20",                       // 0c KECCAK256 memory[0..64)                    [i, x']
        "6000",                     // 0d PUSH1 0                                    [i, x', 0]
        "52",                       // 0f MSTORE  memory[0..32) = x'                 [i]
        "6001",                     // 10 PUSH1 1                                    [i, 1]
        "90",                       // 12 SWAP1                                      [1, i]
        "03",                       // 13 SUB                                        [i-1]
        "80",                       // 14 DUP1                                       [i-1, i-1]
        "6007",                     // 15 PUSH1 loop                                 [i-1, i-1, 0x07]
        "57",                       // 17 JUMPI  (while i-1 != 0)                    [i-1]
        "6020",                     // 18 PUSH1 32
        "6000",                     // 1a PUSH1 0
        "f3"));                     // 1c RETURN memory[0..32)

    /// <summary>
    /// A minimal ERC-20: <c>balances</c> is a mapping at slot 0 (Solidity's layout: the balance of a is at
    /// keccak256(pad32(a) ‖ pad32(0))). <c>transfer(address,uint256)</c> (0xa9059cbb) reverts when the sender's
    /// balance is short, moves the amount, emits <c>Transfer(from, to, amount)</c> and returns true;
    /// <c>balanceOf(address)</c> (0x70a08231) returns a balance; anything else reverts. Memory word 1 stays zero,
    /// so KECCAK256 of memory[0..64) after storing an address in word 0 is that address's balance slot.
    /// </summary>
    public static readonly byte[] Erc20 = Hex.Decode(string.Concat(
        "6000",                     // 00 PUSH1 0  (dispatcher)                      [0]
        "35",                       // 02 CALLDATALOAD                               [word0]
        "60e0",                     // 03 PUSH1 224                                  [word0, 224]
        "1c",                       // 05 SHR                                        [selector]
        "80",                       // 06 DUP1                                       [sel, sel]
        "63a9059cbb",               // 07 PUSH4 transfer                             [sel, sel, 0xa9059cbb]
        "14",                       // 0c EQ                                         [sel, isTransfer]
        "61002f",                   // 0d PUSH2 transfer                             [sel, isTransfer, 0x2f]
        "57",                       // 10 JUMPI                                      [sel]
        "6370a08231",               // 11 PUSH4 balanceOf                            [sel, 0x70a08231]
        "14",                       // 16 EQ                                         [isBalanceOf]
        "61001e",                   // 17 PUSH2 balanceOf                            [isBalanceOf, 0x1e]
        "57",                       // 1a JUMPI                                      []
        "5f5ffd",                   // 1b PUSH0 PUSH0 REVERT
        "5b",                       // 1e JUMPDEST  balanceOf(address who):          []
        "6004",                     // 1f PUSH1 4
        "35",                       // 21 CALLDATALOAD                               [who]
        "5f",                       // 22 PUSH0                                      [who, 0]
        "52",                       // 23 MSTORE  memory[0..32) = who                []
        "6040",                     // 24 PUSH1 64
        "5f",                       // 26 PUSH0                                      [64, 0]
        "20",                       // 27 KECCAK256                                  [slot]
        "54",                       // 28 SLOAD                                      [balance]
        "5f",                       // 29 PUSH0
        "52",                       // 2a MSTORE  memory[0..32) = balance            []
        "6020",                     // 2b PUSH1 32
        "5f",                       // 2d PUSH0
        "f3",                       // 2e RETURN memory[0..32)
        "5b",                       // 2f JUMPDEST  transfer(address to, uint amt):  [sel]
        "50",                       // 30 POP                                        []
        "6024",                     // 31 PUSH1 36
        "35",                       // 33 CALLDATALOAD                               [amt]
        "33",                       // 34 CALLER                                     [amt, from]
        "5f",                       // 35 PUSH0
        "52",                       // 36 MSTORE  memory[0..32) = from               [amt]
        "6040",                     // 37 PUSH1 64
        "5f",                       // 39 PUSH0
        "20",                       // 3a KECCAK256                                  [amt, fslot]
        "80",                       // 3b DUP1                                       [amt, fslot, fslot]
        "54",                       // 3c SLOAD                                      [amt, fslot, fbal]
        "82",                       // 3d DUP3                                       [amt, fslot, fbal, amt]
        "81",                       // 3e DUP2                                       [amt, fslot, fbal, amt, fbal]
        "10",                       // 3f LT  (fbal < amt)                           [amt, fslot, fbal, short]
        "61008b",                   // 40 PUSH2 fail
        "57",                       // 43 JUMPI                                      [amt, fslot, fbal]
        "82",                       // 44 DUP3                                       [amt, fslot, fbal, amt]
        "90",                       // 45 SWAP1                                      [amt, fslot, amt, fbal]
        "03",                       // 46 SUB                                        [amt, fslot, fbal-amt]
        "90",                       // 47 SWAP1                                      [amt, fbal-amt, fslot]
        "55",                       // 48 SSTORE  balances[from] -= amt              [amt]
        "6004",                     // 49 PUSH1 4
        "35",                       // 4b CALLDATALOAD                               [amt, to]
        "80",                       // 4c DUP1                                       [amt, to, to]
        "5f",                       // 4d PUSH0
        "52",                       // 4e MSTORE  memory[0..32) = to                 [amt, to]
        "6040",                     // 4f PUSH1 64
        "5f",                       // 51 PUSH0
        "20",                       // 52 KECCAK256                                  [amt, to, tslot]
        "80",                       // 53 DUP1                                       [amt, to, tslot, tslot]
        "54",                       // 54 SLOAD                                      [amt, to, tslot, tbal]
        "83",                       // 55 DUP4                                       [amt, to, tslot, tbal, amt]
        "01",                       // 56 ADD                                        [amt, to, tslot, tbal+amt]
        "90",                       // 57 SWAP1                                      [amt, to, tbal+amt, tslot]
        "55",                       // 58 SSTORE  balances[to] += amt                [amt, to]
        "81",                       // 59 DUP2                                       [amt, to, amt]
        "5f",                       // 5a PUSH0
        "52",                       // 5b MSTORE  memory[0..32) = amt                [amt, to]
        "33",                       // 5c CALLER                                     [amt, to, from]
        "7f" + Hex.Encode(TransferTopic.Bytes, withPrefix: false), // 5d PUSH32 topic [amt, to, from, topic]
        "6020",                     // 7e PUSH1 32
        "5f",                       // 80 PUSH0                                      [amt, to, from, topic, 32, 0]
        "a3",                       // 81 LOG3  Transfer(from, to) data = amt        [amt]
        "50",                       // 82 POP                                        []
        "6001",                     // 83 PUSH1 1
        "5f",                       // 85 PUSH0
        "52",                       // 86 MSTORE  memory[0..32) = true
        "6020",                     // 87 PUSH1 32
        "5f",                       // 89 PUSH0
        "f3",                       // 8a RETURN memory[0..32)
        "5b",                       // 8b JUMPDEST  fail: the balance is short
        "5f5ffd"));                 // 8c PUSH0 PUSH0 REVERT

    /// <summary>A contract that stops at once: the empty call of the anvil baseline.</summary>
    public static readonly byte[] Stop = [0x00];

    public static byte[] Word(ulong value) => new UInt256(value).ToBigEndian();

    /// <summary>What <see cref="Compute"/> returns for <paramref name="n"/>, computed with BigInteger.</summary>
    public static byte[] ComputeModel(ulong n)
    {
        var mask = (BigInteger.One << 256) - 1;
        BigInteger acc = ComputeSeed;
        BigInteger k1 = ComputeMultiplier;
        BigInteger k2 = ComputeAddend;
        BigInteger p = ComputeModulus;
        for (ulong i = 0; i < n; i++)
        {
            var u = ((acc * k1) + k2) & mask;
            u %= p;
            var w = BigInteger.ModPow(u, ComputeExponent, BigInteger.One << 256);
            acc = (acc + (u ^ w)) & mask;
        }

        return ((UInt256)acc).ToBigEndian();
    }

    /// <summary>What <see cref="Keccak"/> returns for <paramref name="n"/>.</summary>
    public static byte[] KeccakModel(ulong n)
    {
        var memory = new byte[64];
        new UInt256(n).WriteBigEndian(memory.AsSpan(32));
        Span<byte> hash = stackalloc byte[32];
        for (ulong i = 0; i < n; i++)
        {
            Keccak256.Compute(memory, hash);
            hash.CopyTo(memory);
        }

        return memory[..32];
    }

    /// <summary>The storage slot of <paramref name="owner"/>'s balance: keccak256(pad32(owner) ‖ pad32(0)).</summary>
    public static UInt256 BalanceSlot(in Address owner)
    {
        Span<byte> key = stackalloc byte[64];
        key.Clear();
        owner.CopyTo(key[12..32]);
        return Keccak256.Compute(key).ToUInt256();
    }

    /// <summary>Calldata of <c>transfer(to, amount)</c>.</summary>
    public static byte[] TransferCall(in Address to, ulong amount)
    {
        var data = new byte[4 + 32 + 32];
        data[0] = 0xa9;
        data[1] = 0x05;
        data[2] = 0x9c;
        data[3] = 0xbb;
        to.CopyTo(data.AsSpan(4 + 12, 20));
        new UInt256(amount).WriteBigEndian(data.AsSpan(36));
        return data;
    }
}
