using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Gateway.Modules.Eth;

namespace Hyperion.Gateway.Modules;

/// <summary>Account state at the head: balance, nonce, code, storage, read from the account and contract grains.</summary>
public sealed partial class EthModule
{
    private void RegisterStateMethods(RpcMethodTable methods)
    {
        methods.Add("eth_getBalance", GetBalance);
        methods.Add("eth_getTransactionCount", GetTransactionCount);
        methods.Add("eth_getCode", GetCode);
        methods.Add("eth_getStorageAt", GetStorageAt);
    }

    private async ValueTask<object?> GetBalance(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 2);
        var address = RpcArgs.ReadAddress(parameters[0], 0);
        var block = BlockParameter.ReadNumberOrHash(parameters[1], 1);
        await EnsureHeadStateAsync(block).ConfigureAwait(false);
        var account = await _chain.Account(address).GetAsync().ConfigureAwait(false);
        return RpcHex.Quantity(account.Balance);
    }

    /// <summary>The account's nonce; with <c>pending</c>, past its transactions waiting in the sequencer.</summary>
    private async ValueTask<object?> GetTransactionCount(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 2);
        var address = RpcArgs.ReadAddress(parameters[0], 0);
        var block = BlockParameter.ReadNumberOrHash(parameters[1], 1);
        if (block.Kind != BlockParameterKind.Pending)
        {
            await EnsureHeadStateAsync(block).ConfigureAwait(false);
            var account = await _chain.Account(address).GetAsync().ConfigureAwait(false);
            return RpcHex.Quantity(account.Nonce);
        }

        // Both at once; the larger wins, because the account may have moved on since the sequencer's count
        // (its transactions were included) and the sequencer knows of transactions the account has not seen.
        var committed = _chain.Account(address).GetAsync();
        var pending = _chain.Sequencer.GetPendingNonceAsync(address);
        var nonce = (await committed.ConfigureAwait(false)).Nonce;
        var pendingNonce = await pending.ConfigureAwait(false);
        return RpcHex.Quantity(pendingNonce is { } next && next > nonce ? next : nonce);
    }

    private async ValueTask<object?> GetCode(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(1, 2);
        var address = RpcArgs.ReadAddress(parameters[0], 0);
        var block = BlockParameter.ReadNumberOrHash(parameters[1], 1);
        await EnsureHeadStateAsync(block).ConfigureAwait(false);

        // The account says whether there is code, so asking about a plain account activates no contract grain.
        var account = await _chain.Account(address).GetAsync().ConfigureAwait(false);
        if (!account.Exists || account.CodeHash.IsZero || account.CodeHash == Keccak256.OfEmpty)
        {
            return "0x";
        }

        var code = await _chain.Contract(address).GetCodeAsync().ConfigureAwait(false);
        return RpcHex.Data(code);
    }

    /// <summary>A storage word as 32 bytes of hex, as geth writes it (zeros included).</summary>
    private async ValueTask<object?> GetStorageAt(RpcParams parameters, CancellationToken cancellationToken)
    {
        parameters.ExpectPositional(2, 3);
        var address = RpcArgs.ReadAddress(parameters[0], 0);
        var slot = RpcArgs.ReadStorageSlot(parameters[1], 1);
        var block = BlockParameter.ReadNumberOrHash(parameters[2], 2);
        await EnsureHeadStateAsync(block).ConfigureAwait(false);
        var value = await _chain.Contract(address).GetStorageAsync(slot).ConfigureAwait(false);
        Span<byte> word = stackalloc byte[UInt256.ByteLength];
        value.WriteBigEndian(word);
        return RpcHex.Data(word);
    }

    /// <summary>
    /// Passes when <paramref name="block"/> names the head: the grains hold the latest state only, so an older block
    /// gets an error that says so rather than today's values under yesterday's number.
    /// </summary>
    private ValueTask EnsureHeadStateAsync(BlockParameter block) =>
        block.IsHead ? ValueTask.CompletedTask : EnsureHeadStateSlowAsync(block);

    private async ValueTask EnsureHeadStateSlowAsync(BlockParameter block)
    {
        var head = await _chain.Reader.GetHeadNumberAsync().ConfigureAwait(false);
        ulong number;
        switch (block.Kind)
        {
            case BlockParameterKind.Earliest:
                number = 0;
                break;
            case BlockParameterKind.Hash:
                var record = await _chain.Reader.GetBlockByHashAsync(block.Hash).ConfigureAwait(false)
                    ?? throw new RpcException(EthErrorCodes.ServerError, "header for hash not found");
                number = record.Header.Number;
                break;
            default:
                number = block.Number;
                break;
        }

        if (number > head)
        {
            throw new RpcException(EthErrorCodes.ServerError, "header not found");
        }

        if (number != head)
        {
            throw new RpcException(
                EthErrorCodes.ServerError,
                $"historical state is not available: this node serves only the latest state for now (block {number} was asked for, the head is {head}); use \"latest\"");
        }
    }
}
