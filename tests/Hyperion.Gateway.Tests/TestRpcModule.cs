using Hyperion.Gateway.JsonRpc;

namespace Hyperion.Gateway.Tests;

/// <summary>Methods that exercise the dispatcher's edges: failures, nulls, objects, side effects.</summary>
internal sealed class TestRpcModule : IRpcModule
{
    private int _calls;

    /// <summary>How many times <c>test_count</c> ran (notifications included).</summary>
    public int Calls => Volatile.Read(ref _calls);

    public void RegisterMethods(RpcMethodTable methods)
    {
        methods.Add("test_count", (parameters, _) =>
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult<object?>(parameters.Count);
        });
        methods.Add("test_null", (_, _) => ValueTask.FromResult<object?>(null));
        methods.Add("test_object", (_, _) => ValueTask.FromResult<object?>(new BlockSummary("0x1", 2)));
        methods.Add("test_two", (parameters, _) =>
        {
            parameters.ExpectPositional(2, 2);
            return ValueTask.FromResult<object?>(parameters[0].GetString() + parameters[1].GetString());
        });
        methods.Add("test_throw", (_, _) => throw new InvalidOperationException("secret internal detail"));
        methods.Add("test_siloLost", (_, _) => throw new SiloUnavailableException("secret silo detail"));
        methods.Add("test_throwAsync", async (_, cancellationToken) =>
        {
            await Task.Yield();
            throw new InvalidOperationException("secret internal detail");
        });
        methods.Add("test_rpcError", (_, _) => throw new RpcException(-32000, "execution reverted", new { reason = "nope" }));
        methods.Add("test_unserializable", (_, _) => ValueTask.FromResult<object?>(typeof(string)));
        methods.Add("test_slow", async (parameters, cancellationToken) =>
        {
            // Finishes later the smaller its argument, to show batch answers keep request order.
            var delay = parameters[0].GetInt32();
            await Task.Delay(delay, cancellationToken);
            return delay;
        });
    }

    private sealed record BlockSummary(string BlockHash, int TransactionCount);
}
