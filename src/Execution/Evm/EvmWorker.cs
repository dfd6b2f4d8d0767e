using Hyperion.Core;
using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Evm.Precompiles;

namespace Hyperion.Execution.Evm;

/// <summary>
/// One worker thread's EVM: a <see cref="TransactionProcessor"/> that defers coinbase payments and a
/// <see cref="StateViewReader"/>. Each execution starts from nothing (the processor begins a fresh journal, the
/// reader forgets the last transaction's reads), so an execution that was abandoned halfway, suspended by the
/// engine, leaves nothing behind.
/// </summary>
internal sealed class EvmWorker
{
    private readonly TransactionProcessor _processor;
    private readonly PrecompileTable _precompiles;
    private readonly StateViewReader _reader = new();
    private readonly TransferStateReader _transferReader = new();

    // This thread's write set, filled anew by each execution: the engine takes what it needs of it before the next.
    private readonly WriteSet<EvmLocation, EvmValue> _writes = new(8);

    /// <summary>The last tip's delta: deltas are immutable, and a block's transactions often pay the same tip, so one object serves them.</summary>
    private BalanceIncrement? _lastTip;

    public EvmWorker(EvmSpec spec, PrecompileTable precompiles, CodeAnalysisCache codeCache)
    {
        _precompiles = precompiles;
        // The engine records every read itself (the view), and the plain-transfer path knows its reads by plan: the EVM's
        // own read set would be built for nothing.
        _processor = new TransactionProcessor(spec, precompiles, codeCache, deferCoinbasePayment: true, buildReadSet: false);
    }

    public TransactionResult<EvmLocation, EvmValue, TransactionOutcome> Execute(
        Transaction transaction,
        EvmBlock block,
        IStateView<EvmLocation, EvmValue> view,
        BlockCodeStore code)
    {
        _reader.Begin(view, block.BlockHashes, code);
        _writes.Clear();
        var context = block.Context;
        if (IsPlainTransfer(transaction, context.Coinbase, out var recipient) && !_reader.ReadAccount(recipient).HasCode)
        {
            _reader.SetLazyRecipient(recipient);
        }

        var result = _processor.Execute(transaction, context, _reader);
        var outcome = TransactionOutcome.From(result);
        if (result.IsRejected)
        {
            // Nothing is written; if the rejection stands once the block is done, the block is invalid.
            return new(_writes, outcome);
        }

        WriteSetTranslator.Translate(result.WriteSet, _reader, code, _writes);
        WriteSetTranslator.PayCoinbase(_writes, _reader, context.Coinbase, TipDelta(result.CoinbasePayment));
        return new(_writes, outcome);
    }

    /// <summary>
    /// One transaction of a <see cref="PlainTransferBlock"/>, over the sender and recipient it was given (the coinbase's
    /// tip deferred, as in the engine); null when the EVM read anything else.
    /// </summary>
    public TransactionResult? ExecuteTransfer(
        Transaction transaction,
        BlockContext context,
        in Address sender,
        bool senderExists,
        in AccountInfo senderAccount,
        in Address recipient)
    {
        _transferReader.Begin(sender, senderExists, senderAccount, recipient);
        var result = _processor.Execute(transaction, context, _transferReader);
        return _transferReader.ReadOutsidePlan ? null : result;
    }

    private BalanceIncrement? TipDelta(in UInt256 tip)
    {
        if (tip.IsZero)
        {
            return null;
        }

        if (_lastTip is null || _lastTip.Amount != tip)
        {
            _lastTip = new BalanceIncrement(tip);
        }

        return _lastTip;
    }

    /// <summary>
    /// A transfer whose recipient's balance nothing reads: value, no data, to somebody other than the sender and the
    /// coinbase, and not to a precompile (which runs even on empty input). Whether the recipient has code is read
    /// through the view, so a deployment there by a lower transaction invalidates this choice.
    /// </summary>
    private bool IsPlainTransfer(Transaction transaction, in Address coinbase, out Address recipient)
    {
        recipient = default;
        if (transaction.To is not { } to
            || transaction.Data.Length != 0
            || transaction.Value.IsZero
            || to == coinbase
            || _precompiles.Contains(to)
            || !transaction.TryRecoverSender(out var sender)
            || sender == to)
        {
            return false;
        }

        recipient = to;
        return true;
    }
}
