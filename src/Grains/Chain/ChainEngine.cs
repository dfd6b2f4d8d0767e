using Hyperion.Core;
using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Evm.Precompiles;
using Hyperion.Execution;
using Hyperion.Execution.Evm;
using Hyperion.Grains.Abstractions;
using Hyperion.State;

namespace Hyperion.Grains.Chain;

/// <summary>
/// The block coordinator's machinery without Orleans: the head, the hot state (the state at the head, in memory;
/// with a contract loader, contracts unused for a while are evicted and loaded back on need), building a block from
/// an ordered batch with Block-STM, and calls against the head. Not thread-safe: its owner (one grain activation)
/// serialises use; execution itself runs on the executor's own worker threads.
/// </summary>
public sealed class ChainEngine : IDisposable
{
    private const int BlockHashWindow = 256;

    private readonly ChainOptions _options;
    private readonly EvmSpec _spec = EvmSpecs.Cancun;
    private readonly PrecompileTable _precompiles;
    private readonly ParallelBlockExecutor _executor;
    private readonly IContractLoader? _contractLoader;
    private readonly ContractResidency? _residency;
    // Replaced, never changed in place, so a call running on another thread keeps a consistent view.
    private Dictionary<ulong, Hash256> _recentHashes = [];

    /// <param name="options">The chain.</param>
    /// <param name="precompiles">The precompiles of its blocks.</param>
    /// <param name="head">The head block.</param>
    /// <param name="state">The state after it.</param>
    /// <param name="contractLoader">Where evicted contracts come back from; null keeps every contract in memory.</param>
    public ChainEngine(ChainOptions options, PrecompileTable precompiles, StoredBlock head, StateSnapshot state, IContractLoader? contractLoader = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(precompiles);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(state);
        _options = options;
        _precompiles = precompiles;
        var threads = options.ExecutionThreads > 0 ? options.ExecutionThreads : Environment.ProcessorCount;
        _executor = new ParallelBlockExecutor(new BlockStmOptions { ThreadCount = threads }, _spec, precompiles);
        State = state;
        Head = head.Header;
        HeadHash = head.Header.Hash;
        _recentHashes[Head.Number] = HeadHash;
        if (contractLoader is not null && (options.EvictContractsAfterBlocks > 0 || options.MaxResidentContracts > 0))
        {
            _residency = new ContractResidency(state, Head.Number);
            _contractLoader = new TrackingLoader(contractLoader, _residency);
        }
    }

    public StateSnapshot State { get; private set; }

    public BlockHeader Head { get; private set; }

    public Hash256 HeadHash { get; private set; }

    public ChainHead HeadSummary => new(
        Head.Number, HeadHash, Head.StateRoot, Head.Timestamp, Head.GasLimit, Head.GasUsed, Head.BaseFeePerGas ?? UInt256.Zero);

    /// <summary>The base fee the next block will have (EIP-1559 from the head).</summary>
    public UInt256 NextBaseFee => BlockHeaderRules.CalculateBaseFee(Head);

    /// <summary>The genesis block and state of <paramref name="options"/>: the allocations, no transactions.</summary>
    public static (StoredBlock Block, StateSnapshot State, StateChanges Changes) CreateGenesis(ChainOptions options, ulong timestamp)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = StateSnapshot.FromAccounts(options.Alloc
            .GroupBy(allocation => allocation.Address)
            .Select(group => new KeyValuePair<Address, PlainAccount>(
                group.Key,
                new PlainAccount { Balance = group.Aggregate(UInt256.Zero, (sum, allocation) => sum + allocation.Balance) })));
        var changes = new StateChanges(
            state.Accounts.ToDictionary(
                pair => pair.Key,
                pair => new AccountChange(false, pair.Value.Nonce, pair.Value.Balance, pair.Value.CodeHash, false, pair.Value.Storage)),
            new Dictionary<Hash256, byte[]>());
        var header = new BlockHeader
        {
            ParentHash = Hash256.Zero,
            Coinbase = options.Coinbase,
            StateRoot = state.StateRoot,
            TransactionsRoot = PatriciaTrie.EmptyRootHash,
            ReceiptsRoot = PatriciaTrie.EmptyRootHash,
            Number = 0,
            GasLimit = options.GasLimit,
            GasUsed = 0,
            Timestamp = timestamp,
            ExtraData = "hyperion"u8.ToArray(),
            BaseFeePerGas = new UInt256(options.InitialBaseFee),
            WithdrawalsRoot = PatriciaTrie.EmptyRootHash,
            BlobGasUsed = 0,
            ExcessBlobGas = 0,
            ParentBeaconBlockRoot = Hash256.Zero,
        };
        return (new StoredBlock(header, [], [], []), state, changes);
    }

    /// <summary>Makes a committed block (from the log) the head: replay after a restart.</summary>
    public void ApplyCommitted(StoredBlock block, StateChanges changes)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(changes);
        if (block.Header.Number != Head.Number + 1 || block.Header.ParentHash != HeadHash)
        {
            throw new InvalidOperationException(
                $"Block {block.Header.Number} (parent {block.Header.ParentHash}) does not follow the head {Head.Number} ({HeadHash}): the block log is inconsistent.");
        }

        State = State.Apply(changes);
        _residency?.Record(changes, State, block.Header.Number);
        Advance(block.Header);
    }

    /// <summary>
    /// Executes <paramref name="transactions"/> (senders attached) in order on top of the head. A transaction that
    /// cannot be included is left out (with the later ones of its sender, whose nonces can no longer follow) and
    /// reported in <paramref name="rejected"/>. The head does not move: call <see cref="Commit"/> once the block is durable.
    /// </summary>
    public BuiltBlock BuildBlock(IReadOnlyList<Transaction> transactions, IReadOnlyList<byte[]> rawTransactions, ulong timestamp, List<RejectedTransaction> rejected)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        ArgumentNullException.ThrowIfNull(rawTransactions);
        ArgumentNullException.ThrowIfNull(rejected);
        var included = transactions.ToList();
        var raw = rawTransactions.ToList();
        var context = NextContext(Head, HeadHash, Math.Max(timestamp, Head.Timestamp), BlockHeaderRules.CalculateBaseFee(Head));
        while (true)
        {
            var block = new EvmBlock { Context = context, Transactions = included, BlockHashes = _recentHashes };
            EvmBlockResult result;
            try
            {
                result = _executor.Execute(block, State);
            }
            catch (InvalidBlockException exception) when (exception.TransactionIndex >= 0 && exception.TransactionIndex < included.Count)
            {
                var bad = included[exception.TransactionIndex];
                var sender = bad.RecoverSender();
                rejected.Add(new RejectedTransaction(bad.Hash, exception.TransactionRejection is { } rejection ? GethErrors.Describe(rejection) : exception.Message, Retry: false));
                for (var i = included.Count - 1; i > exception.TransactionIndex; i--)
                {
                    if (included[i].RecoverSender() == sender)
                    {
                        rejected.Add(new RejectedTransaction(included[i].Hash, $"nonce gap: transaction {bad.Hash} of the same sender was rejected", Retry: false));
                        included.RemoveAt(i);
                        raw.RemoveAt(i);
                    }
                }

                included.RemoveAt(exception.TransactionIndex);
                raw.RemoveAt(exception.TransactionIndex);
                continue;
            }

            var header = new BlockHeader
            {
                ParentHash = HeadHash,
                Coinbase = context.Coinbase,
                StateRoot = result.StateRoot,
                TransactionsRoot = result.TransactionsRoot,
                ReceiptsRoot = result.ReceiptsRoot,
                LogsBloom = result.LogsBloom.Bytes.ToArray(),
                Number = context.Number,
                GasLimit = context.GasLimit,
                GasUsed = result.GasUsed,
                Timestamp = context.Timestamp,
                ExtraData = [],
                MixHash = context.PrevRandao,
                BaseFeePerGas = context.BaseFee,
                WithdrawalsRoot = result.WithdrawalsRoot,
                BlobGasUsed = result.BlobGasUsed,
                ExcessBlobGas = context.ExcessBlobGas,
                ParentBeaconBlockRoot = Hash256.Zero,
            };
            var senders = included.Select(transaction => transaction.RecoverSender()).ToList();
            var stored = new StoredBlock(header, raw, senders, result.Receipts);
            return new BuiltBlock(stored, header.Hash, result.Changes, result.PostState, included.Select(transaction => transaction.Hash).ToList(), result.Stats);
        }
    }

    /// <summary>Makes a built block the head, once it is in the block log.</summary>
    public void Commit(BuiltBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Block.Header.ParentHash != HeadHash)
        {
            throw new InvalidOperationException($"Block {block.Block.Header.Number} was built on {block.Block.Header.ParentHash}, but the head is {HeadHash}.");
        }

        State = block.PostState;
        _residency?.Record(block.Changes, State, block.Block.Header.Number);
        Advance(block.Block.Header);
    }

    /// <summary>
    /// The contracts that <paramref name="transactions"/> call directly and that are evicted: what to fetch (see
    /// <see cref="InstallContract"/>) before the block runs. The others count as used by the next block.
    /// </summary>
    public IReadOnlyList<Address> ColdRecipients(IReadOnlyList<Transaction> transactions, out int hits)
    {
        ArgumentNullException.ThrowIfNull(transactions);
        hits = 0;
        if (_residency is null)
        {
            return [];
        }

        var recipients = new HashSet<Address>();
        foreach (var transaction in transactions)
        {
            if (transaction.To is { } to)
            {
                recipients.Add(to);
            }
        }

        var cold = State.ColdAmong(recipients);
        foreach (var recipient in recipients)
        {
            if (State.TryGetAccount(recipient, out SnapshotAccount account) && account.IsResident && (account.HasCode || account.HasStorage))
            {
                hits++;
                _residency.NoteUsed(recipient, Head.Number + 1);
            }
        }

        return cold;
    }

    /// <summary>Keeps a contract fetched ahead of need (checked against the state's roots; thread-safe).</summary>
    /// <exception cref="ColdContractMismatchException">The contents do not match the state's roots.</exception>
    public void InstallContract(in Address address, ColdContract contract)
    {
        if (_residency is not null && State.Install(address, contract))
        {
            _residency.NoteLoaded(address);
        }
    }

    /// <summary>
    /// Drops from the head state the contracts unused for <see cref="ChainOptions.EvictContractsAfterBlocks"/> blocks
    /// (or beyond <see cref="ChainOptions.MaxResidentContracts"/>) whose last change the grains confirmed at or before
    /// <paramref name="confirmedBlock"/>. Costs the evicted contracts; the state root does not change. Returns how many.
    /// </summary>
    public int EvictColdContracts(ulong confirmedBlock)
    {
        if (_residency is null || _contractLoader is null)
        {
            return 0;
        }

        var evictable = _residency.TakeEvictable(Head.Number, confirmedBlock, _options.EvictContractsAfterBlocks, _options.MaxResidentContracts);
        if (evictable.Count > 0)
        {
            State = State.Evict(evictable, _contractLoader);
        }

        return evictable.Count;
    }

    /// <summary>Runs a call against the head state; nothing is kept.</summary>
    public CallResult Call(CallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Call(request, request.Gas ?? Head.GasLimit);
    }

    /// <summary>The least gas with which the call succeeds: one run at the cap, then a binary search.</summary>
    public CallResult EstimateGas(CallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cap = Math.Min(request.Gas ?? Head.GasLimit, Head.GasLimit);
        var atCap = Call(request, cap);
        if (!atCap.Success)
        {
            return atCap;
        }

        // Below the gas used nothing can succeed; refunds and the 63/64 rule make the answer larger than it.
        var low = Math.Max(atCap.GasUsed, 21_000) - 1;
        var high = cap;
        while (low + 1 < high)
        {
            var middle = low + ((high - low) / 2);
            if (Call(request, middle).Success)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return atCap with { GasUsed = high };
    }

    public void Dispose() => _executor.Dispose();

    private CallResult Call(CallRequest request, ulong gas)
    {
        // One consistent view of the head: the owner may commit a block while this runs on another thread.
        var state = State;
        var head = Head;
        var headHash = HeadHash;
        var hashes = _recentHashes;
        var from = request.From ?? Address.Zero;
        state.TryGetAccount(from, out AccountInfo account);
        var feeGiven = request.GasPrice is not null || request.MaxFeePerGas is not null;
        var transaction = new Transaction
        {
            Type = request.MaxFeePerGas is not null || request.MaxPriorityFeePerGas is not null ? TxType.DynamicFee : TxType.Legacy,
            ChainId = _options.ChainId,
            Nonce = account.Nonce,
            GasPrice = request.GasPrice ?? UInt256.Zero,
            MaxFeePerGas = request.MaxFeePerGas ?? request.MaxPriorityFeePerGas ?? UInt256.Zero,
            MaxPriorityFeePerGas = request.MaxPriorityFeePerGas ?? UInt256.Zero,
            GasLimit = Math.Min(gas, head.GasLimit),
            To = request.To,
            Value = request.Value,
            Data = request.Data,
        }.WithRecoveredSender(from);

        // As geth does for calls: with no fee given, the base fee is taken as zero so an unfunded caller can call.
        var context = NextContext(head, headHash, head.Timestamp, feeGiven ? BlockHeaderRules.CalculateBaseFee(head) : UInt256.Zero);
        var processor = new TransactionProcessor(_spec, _precompiles);
        var result = processor.Execute(transaction, context, new BlockStateOverlay(state, hashes));
        if (result.Rejection is { } rejection)
        {
            return new CallResult(false, [], 0, GethErrors.Describe(rejection));
        }

        if (result.Succeeded)
        {
            return new CallResult(true, result.Output, result.GasUsed, null);
        }

        return result.Status == EvmStatus.Reverted
            ? new CallResult(false, result.Output, result.GasUsed, "execution reverted")
            : new CallResult(false, [], result.GasUsed, DescribeFailure(result.Status));
    }

    private static string DescribeFailure(EvmStatus status) => status switch
    {
        EvmStatus.OutOfGas => "out of gas",
        EvmStatus.InvalidOpcode => "invalid opcode",
        EvmStatus.InvalidJump => "invalid jump destination",
        EvmStatus.StackUnderflow => "stack underflow",
        EvmStatus.StackOverflow => "stack limit reached 1024",
        EvmStatus.StaticStateChange => "write protection",
        EvmStatus.CodeSizeExceeded => "max code size exceeded",
        EvmStatus.InitCodeSizeExceeded => "max initcode size exceeded",
        EvmStatus.ContractAddressCollision => "contract address collision",
        EvmStatus.InsufficientBalance => "insufficient balance for transfer",
        EvmStatus.CallDepthExceeded => "max call depth exceeded",
        EvmStatus.PrecompileFailure => "precompile failed",
        _ => status.ToString(),
    };

    private BlockContext NextContext(BlockHeader head, in Hash256 headHash, ulong timestamp, in UInt256 baseFee) => new()
    {
        ChainId = _options.ChainId,
        Number = head.Number + 1,
        Timestamp = timestamp,
        Coinbase = _options.Coinbase,
        GasLimit = head.GasLimit,
        BaseFee = baseFee,
        PrevRandao = headHash,
        ExcessBlobGas = BlockHeaderRules.CalculateExcessBlobGas(head),
    };

    private void Advance(BlockHeader header)
    {
        var hash = header.Hash;
        var hashes = new Dictionary<ulong, Hash256>(_recentHashes) { [header.Number] = hash };
        if (header.Number >= BlockHashWindow)
        {
            hashes.Remove(header.Number - BlockHashWindow);
        }

        _recentHashes = hashes;
        Head = header;
        HeadHash = hash;
    }
}

/// <summary>Tells the residency about every contract loaded back on a miss.</summary>
internal sealed class TrackingLoader(IContractLoader inner, ContractResidency residency) : IContractLoader
{
    public ColdContract Load(in Address address)
    {
        var contract = inner.Load(address);
        residency.NoteLoaded(address);
        return contract;
    }
}

/// <summary>A block executed on top of the head, not yet committed.</summary>
public sealed record BuiltBlock(
    StoredBlock Block,
    Hash256 Hash,
    StateChanges Changes,
    StateSnapshot PostState,
    IReadOnlyList<Hash256> TransactionHashes,
    BlockExecutionStats? Stats);
