using System.Numerics;
using Hyperion.Core;
using Nethereum.EVM;
using Nethereum.EVM.BlockchainState;
using Nethereum.EVM.Execution;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;

namespace Hyperion.Evm.Benchmarks;

/// <summary>
/// Nethereum.EVM 6.1.0, the peer, run on the same bytecode and the same block values: calls through its
/// <see cref="EVMSimulator"/> on a <see cref="Nethereum.EVM.Program"/> (the call-level entry its README shows) and
/// transactions through its <see cref="TransactionExecutor"/> (intrinsic gas, nonce, fees), over an in-memory
/// <see cref="INodeDataService"/>. Its API is asynchronous; every task here completes synchronously because the
/// state is in memory, so waiting on it costs little.
/// </summary>
internal sealed class NethereumEvm
{
    private static readonly string Coinbase = OurEvm.CoinbaseAddress.ToLowerHex();
    private static readonly BuiltInPrecompileProvider Precompiles = BuiltInPrecompileProvider.Cancun();
    private readonly EVMSimulator _simulator = new();
    private readonly TransactionExecutor _executor = new(HardforkConfig.Cancun);

    public static string ContractAddress { get; } = OurEvm.ContractAddress.ToLowerHex();

    public static string Format(in Address address) => address.ToLowerHex();

    /// <summary>Calls <paramref name="code"/> at the contract address with <paramref name="data"/>, as its
    /// README's Program example does; returns the output, the execution gas and whether it reverted.</summary>
    public (byte[] Output, BigInteger GasUsed, bool Failed) Call(MemoryNode node, byte[] code, byte[] data, long gas)
    {
        ArgumentNullException.ThrowIfNull(node);
        var input = new CallInput
        {
            From = OurEvm.CallerKey.Address.ToLowerHex(),
            To = ContractAddress,
            Gas = new HexBigInteger(gas),
            Value = new HexBigInteger(0),
            GasPrice = new HexBigInteger((BigInteger)OurEvm.BaseFee + 100_000_000),
            ChainId = new HexBigInteger(1),
            Data = Hex.Encode(data),
        };
        var context = new ProgramContext(
            input,
            new ExecutionStateService(node),
            blockNumber: (long)OurEvm.Block.Number,
            timestamp: (long)OurEvm.Block.Timestamp,
            coinbase: Coinbase,
            baseFee: (long)(ulong)OurEvm.BaseFee);
        var program = new Nethereum.EVM.Program(code, context);
        _simulator.ExecuteWithCallStackAsync(program, traceEnabled: false).GetAwaiter().GetResult();
        var result = program.ProgramResult;
        return (result.Result ?? [], program.TotalGasUsed, result.IsRevert || result.Exception is not null);
    }

    /// <summary>
    /// One transaction, in a fresh execution state (warm sets and original storage values are per transaction),
    /// whose changes are then written back to <paramref name="node"/>: the peer's equivalent of our
    /// execute-and-apply.
    /// </summary>
    public TransactionExecutionResult Transact(MemoryNode node, string sender, string to, byte[] data, ulong nonce, ulong gasLimit)
    {
        ArgumentNullException.ThrowIfNull(node);
        var state = new ExecutionStateService(node);
        state.LoadBalanceNonceAndCodeFromStorageAsync(sender).GetAwaiter().GetResult();
        state.LoadBalanceNonceAndCodeFromStorageAsync(to).GetAwaiter().GetResult();
        var context = new TransactionExecutionContext
        {
            Mode = ExecutionMode.Transaction,
            Sender = sender,
            To = to,
            Data = data,
            GasLimit = gasLimit,
            Nonce = nonce,
            IsEip1559 = true,
            MaxFeePerGas = 2 * (BigInteger)OurEvm.BaseFee,
            MaxPriorityFeePerGas = 100_000_000,
            BlockNumber = (long)OurEvm.Block.Number,
            Timestamp = (long)OurEvm.Block.Timestamp,
            Coinbase = Coinbase,
            BaseFee = OurEvm.BaseFee,
            ChainId = 1,
            BlockGasLimit = OurEvm.Block.GasLimit,
            ExecutionState = state,
        };
        var result = _executor.ExecuteAsync(context).GetAwaiter().GetResult();
        node.Commit(state);
        return result;
    }

    /// <summary>Runs one of Nethereum's built-in precompiles, for the blake2f comparison.</summary>
    public static byte[] RunPrecompile(string address, byte[] input) => Precompiles.Execute(address, input);
}

/// <summary>The peer's world: accounts, code and storage in dictionaries keyed by lower-case hex addresses.</summary>
internal sealed class MemoryNode : INodeDataService
{
    private readonly Dictionary<string, BigInteger> _balances = [];
    private readonly Dictionary<string, BigInteger> _nonces = [];
    private readonly Dictionary<string, byte[]> _code = [];
    private readonly Dictionary<(string Address, BigInteger Slot), byte[]> _storage = [];

    public void SetAccount(string address, BigInteger nonce, BigInteger balance, byte[]? code = null)
    {
        var key = address.ToLowerInvariant();
        _nonces[key] = nonce;
        _balances[key] = balance;
        if (code is not null)
        {
            _code[key] = code;
        }
    }

    public void SetStorage(string address, BigInteger slot, BigInteger value) =>
        _storage[(address.ToLowerInvariant(), slot)] = value.ToByteArray(isUnsigned: true, isBigEndian: true);

    public BigInteger Storage(string address, BigInteger slot) =>
        _storage.TryGetValue((address.ToLowerInvariant(), slot), out var value) ? new BigInteger(value, isUnsigned: true, isBigEndian: true) : BigInteger.Zero;

    public BigInteger Balance(string address) => _balances.GetValueOrDefault(address.ToLowerInvariant());

    public BigInteger Nonce(string address) => _nonces.GetValueOrDefault(address.ToLowerInvariant());

    /// <summary>Writes what a transaction changed (nonces, balances, storage) back into the world.</summary>
    public void Commit(ExecutionStateService state)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (var (address, account) in state.AccountsState)
        {
            var key = address.ToLowerInvariant();
            if (account.Nonce is { } nonce)
            {
                _nonces[key] = nonce;
            }

            if (account.Balance is { InitialChainBalance: not null } balance)
            {
                _balances[key] = balance.GetTotalBalance();
            }

            foreach (var (slot, value) in account.Storage)
            {
                _storage[(key, slot)] = value ?? [];
            }
        }
    }

    public Task<BigInteger> GetBalanceAsync(byte[] address) => GetBalanceAsync(Hex.Encode(address));

    public Task<BigInteger> GetBalanceAsync(string address) => Task.FromResult(Balance(address));

    public Task<byte[]> GetCodeAsync(byte[] address) => GetCodeAsync(Hex.Encode(address));

    public Task<byte[]> GetCodeAsync(string address) =>
        Task.FromResult(_code.TryGetValue(address.ToLowerInvariant(), out var code) ? code : []);

    public Task<byte[]> GetBlockHashAsync(BigInteger blockNumber) => Task.FromResult(new byte[32]);

    public Task<byte[]> GetStorageAtAsync(byte[] address, BigInteger position) => GetStorageAtAsync(Hex.Encode(address), position);

    public Task<byte[]> GetStorageAtAsync(string address, BigInteger position) =>
        Task.FromResult(_storage.TryGetValue((address.ToLowerInvariant(), position), out var value) ? value : new byte[32]);

    public Task<BigInteger> GetTransactionCount(byte[] address) => GetTransactionCount(Hex.Encode(address));

    public Task<BigInteger> GetTransactionCount(string address) => Task.FromResult(Nonce(address));
}
