namespace Hyperion.Execution.Tests;

/// <summary>A transaction executor written inline in a test.</summary>
internal sealed class DelegateExecutor : ITransactionExecutor<int, long, long>
{
    private readonly Func<int, IStateView<int, long>, TransactionResult<int, long, long>> _execute;

    public DelegateExecutor(Func<int, IStateView<int, long>, TransactionResult<int, long, long>> execute)
    {
        _execute = execute;
    }

    public TransactionResult<int, long, long> Execute(int transactionIndex, IStateView<int, long> view) => _execute(transactionIndex, view);
}
