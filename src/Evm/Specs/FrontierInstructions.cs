using Hyperion.Core.Chain;

namespace Hyperion.Evm;

/// <summary>The opcodes of the first release, with their Frontier prices; every later fork starts from here.</summary>
internal static unsafe class FrontierInstructions
{
    public static EvmSpec Build()
    {
        var b = new EvmSpecBuilder("Frontier", ForkRules.Frontier);

        b.Define(Opcode.STOP, &Instructions.Stop, GasCosts.Zero, 0, 0);
        b.Define(Opcode.ADD, &Instructions.Add, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.MUL, &Instructions.Mul, GasCosts.Low, 2, 1);
        b.Define(Opcode.SUB, &Instructions.Sub, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.DIV, &Instructions.Div, GasCosts.Low, 2, 1);
        b.Define(Opcode.SDIV, &Instructions.SDiv, GasCosts.Low, 2, 1);
        b.Define(Opcode.MOD, &Instructions.Mod, GasCosts.Low, 2, 1);
        b.Define(Opcode.SMOD, &Instructions.SMod, GasCosts.Low, 2, 1);
        b.Define(Opcode.ADDMOD, &Instructions.AddMod, GasCosts.Mid, 3, 1);
        b.Define(Opcode.MULMOD, &Instructions.MulMod, GasCosts.Mid, 3, 1);
        b.Define(Opcode.EXP, &Instructions.Exp, GasCosts.Exp, 2, 1);
        b.Define(Opcode.SIGNEXTEND, &Instructions.SignExtend, GasCosts.Low, 2, 1);

        b.Define(Opcode.LT, &Instructions.Lt, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.GT, &Instructions.Gt, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.SLT, &Instructions.Slt, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.SGT, &Instructions.Sgt, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.EQ, &Instructions.Eq, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.ISZERO, &Instructions.IsZero, GasCosts.VeryLow, 1, 1);
        b.Define(Opcode.AND, &Instructions.And, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.OR, &Instructions.Or, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.XOR, &Instructions.Xor, GasCosts.VeryLow, 2, 1);
        b.Define(Opcode.NOT, &Instructions.Not, GasCosts.VeryLow, 1, 1);
        b.Define(Opcode.BYTE, &Instructions.Byte, GasCosts.VeryLow, 2, 1);

        b.Define(Opcode.KECCAK256, &Instructions.Keccak256, GasCosts.Keccak256, 2, 1, MemoryAccess.Range(0, 1));

        b.Define(Opcode.ADDRESS, &Instructions.Address, GasCosts.Base, 0, 1);
        b.Define(Opcode.BALANCE, &Instructions.Balance, 20, 1, 1);
        b.Define(Opcode.ORIGIN, &Instructions.Origin, GasCosts.Base, 0, 1);
        b.Define(Opcode.CALLER, &Instructions.Caller, GasCosts.Base, 0, 1);
        b.Define(Opcode.CALLVALUE, &Instructions.CallValue, GasCosts.Base, 0, 1);
        b.Define(Opcode.CALLDATALOAD, &Instructions.CallDataLoad, GasCosts.VeryLow, 1, 1);
        b.Define(Opcode.CALLDATASIZE, &Instructions.CallDataSize, GasCosts.Base, 0, 1);
        b.Define(Opcode.CALLDATACOPY, &Instructions.CallDataCopy, GasCosts.VeryLow, 3, 0, MemoryAccess.Range(0, 2));
        b.Define(Opcode.CODESIZE, &Instructions.CodeSize, GasCosts.Base, 0, 1);
        b.Define(Opcode.CODECOPY, &Instructions.CodeCopy, GasCosts.VeryLow, 3, 0, MemoryAccess.Range(0, 2));
        b.Define(Opcode.GASPRICE, &Instructions.GasPrice, GasCosts.Base, 0, 1);
        b.Define(Opcode.EXTCODESIZE, &Instructions.ExtCodeSize, 20, 1, 1);
        b.Define(Opcode.EXTCODECOPY, &Instructions.ExtCodeCopy, 20, 4, 0, MemoryAccess.Range(1, 3));

        b.Define(Opcode.BLOCKHASH, &Instructions.BlockHash, GasCosts.BlockHash, 1, 1);
        b.Define(Opcode.COINBASE, &Instructions.Coinbase, GasCosts.Base, 0, 1);
        b.Define(Opcode.TIMESTAMP, &Instructions.Timestamp, GasCosts.Base, 0, 1);
        b.Define(Opcode.NUMBER, &Instructions.Number, GasCosts.Base, 0, 1);
        b.Define(Opcode.PREVRANDAO, &Instructions.Difficulty, GasCosts.Base, 0, 1);
        b.Define(Opcode.GASLIMIT, &Instructions.GasLimit, GasCosts.Base, 0, 1);

        b.Define(Opcode.POP, &Instructions.Pop, GasCosts.Base, 1, 0);
        b.Define(Opcode.MLOAD, &Instructions.MLoad, GasCosts.VeryLow, 1, 1, MemoryAccess.Word(0));
        b.Define(Opcode.MSTORE, &Instructions.MStore, GasCosts.VeryLow, 2, 0, MemoryAccess.Word(0));
        b.Define(Opcode.MSTORE8, &Instructions.MStore8, GasCosts.VeryLow, 2, 0, MemoryAccess.Byte(0));
        b.Define(Opcode.SLOAD, &Instructions.SLoad, 50, 1, 1);
        b.Define(Opcode.SSTORE, &Instructions.SStore, GasCosts.Zero, 2, 0);
        b.Define(Opcode.JUMP, &Instructions.Jump, GasCosts.Mid, 1, 0);
        b.Define(Opcode.JUMPI, &Instructions.JumpI, GasCosts.High, 2, 0);
        b.Define(Opcode.PC, &Instructions.Pc, GasCosts.Base, 0, 1);
        b.Define(Opcode.MSIZE, &Instructions.MSize, GasCosts.Base, 0, 1);
        b.Define(Opcode.GAS, &Instructions.Gas, GasCosts.Base, 0, 1);
        b.Define(Opcode.JUMPDEST, &Instructions.JumpDest, GasCosts.JumpDest, 0, 0);

        b.Define(Opcode.PUSH1, &Instructions.Push1, GasCosts.VeryLow, 0, 1);
        for (var op = Opcode.PUSH3; op <= Opcode.PUSH31; op++)
        {
            b.Define(op, &Instructions.PushN, GasCosts.VeryLow, 0, 1);
        }

        // The two widths compiled code uses most get their own handlers.
        b.Define(Opcode.PUSH2, &Instructions.Push2, GasCosts.VeryLow, 0, 1);
        b.Define(Opcode.PUSH32, &Instructions.Push32, GasCosts.VeryLow, 0, 1);

        delegate*<EvmFrame, EvmStatus>[] dups =
        [
            &Instructions.Dup1, &Instructions.Dup2, &Instructions.Dup3, &Instructions.Dup4,
            &Instructions.Dup5, &Instructions.Dup6, &Instructions.Dup7, &Instructions.Dup8,
            &Instructions.Dup9, &Instructions.Dup10, &Instructions.Dup11, &Instructions.Dup12,
            &Instructions.Dup13, &Instructions.Dup14, &Instructions.Dup15, &Instructions.Dup16,
        ];
        delegate*<EvmFrame, EvmStatus>[] swaps =
        [
            &Instructions.Swap1, &Instructions.Swap2, &Instructions.Swap3, &Instructions.Swap4,
            &Instructions.Swap5, &Instructions.Swap6, &Instructions.Swap7, &Instructions.Swap8,
            &Instructions.Swap9, &Instructions.Swap10, &Instructions.Swap11, &Instructions.Swap12,
            &Instructions.Swap13, &Instructions.Swap14, &Instructions.Swap15, &Instructions.Swap16,
        ];
        for (var n = 1; n <= 16; n++)
        {
            b.Define((Opcode)((int)Opcode.DUP1 + n - 1), dups[n - 1], GasCosts.VeryLow, n, n + 1);
            b.Define((Opcode)((int)Opcode.SWAP1 + n - 1), swaps[n - 1], GasCosts.VeryLow, n + 1, n + 1);
        }

        delegate*<EvmFrame, EvmStatus>[] logs =
            [&Instructions.Log0, &Instructions.Log1, &Instructions.Log2, &Instructions.Log3, &Instructions.Log4];
        for (var topics = 0; topics <= 4; topics++)
        {
            b.Define((Opcode)((int)Opcode.LOG0 + topics), logs[topics], GasCosts.Log + (topics * GasCosts.LogTopic), 2 + topics, 0, MemoryAccess.Range(0, 1));
        }

        b.Define(Opcode.CREATE, &Instructions.Create, GasCosts.Create, 3, 1, MemoryAccess.Range(1, 2));
        b.Define(Opcode.CALL, &Instructions.Call, 40, 7, 1, MemoryAccess.Ranges(3, 4, 5, 6));
        b.Define(Opcode.CALLCODE, &Instructions.CallCode, 40, 7, 1, MemoryAccess.Ranges(3, 4, 5, 6));
        b.Define(Opcode.RETURN, &Instructions.Return, GasCosts.Zero, 2, 0, MemoryAccess.Range(0, 1));
        b.Define(Opcode.INVALID, &Instructions.Undefined, GasCosts.Zero, 0, 0);
        b.Define(Opcode.SELFDESTRUCT, &Instructions.SelfDestruct, GasCosts.Zero, 1, 0);
        return b.Build();
    }
}
