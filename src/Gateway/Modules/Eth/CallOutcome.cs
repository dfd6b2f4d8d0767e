using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Hyperion.Core;
using Hyperion.Gateway.JsonRpc;
using Hyperion.Grains.Abstractions;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// Turns a failed <c>eth_call</c> or <c>eth_estimateGas</c> into geth's error: a revert with data is code 3, message
/// "execution reverted" with the decoded reason of a Solidity <c>Error(string)</c> or <c>Panic(uint256)</c>, and the
/// revert bytes as the error's data (what ethers and viem decode custom errors from); any other failure, and a
/// revert without data, is -32000 with the executor's message.
/// </summary>
internal static class CallOutcome
{
    public const string ExecutionReverted = "execution reverted";

    // The selectors of Error(string) and Panic(uint256).
    private const uint ErrorSelector = 0x08c379a0;
    private const uint PanicSelector = 0x4e487b71;

    /// <summary>The error to answer a call that did not succeed with.</summary>
    public static RpcException Failure(CallResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var message = string.IsNullOrEmpty(result.Error) ? "execution failed" : result.Error;
        var reverted = message.StartsWith(ExecutionReverted, StringComparison.Ordinal);
        if (!reverted || result.ReturnData.Length == 0)
        {
            return new RpcException(EthErrorCodes.ServerError, message);
        }

        var reason = DecodeRevertReason(result.ReturnData);
        return new RpcException(
            EthErrorCodes.ExecutionReverted,
            reason is null ? ExecutionReverted : $"{ExecutionReverted}: {reason}",
            RpcHex.Data(result.ReturnData));
    }

    /// <summary>
    /// The reason in revert data, as geth's <c>abi.UnpackRevert</c> reads it: the string of <c>Error(string)</c>, or
    /// the meaning of a <c>Panic(uint256)</c> code; null for anything else (custom errors, malformed data).
    /// </summary>
    public static string? DecodeRevertReason(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4)
        {
            return null;
        }

        var selector = BinaryPrimitives.ReadUInt32BigEndian(data);
        var arguments = data[4..];
        return selector switch
        {
            ErrorSelector => DecodeString(arguments),
            PanicSelector when arguments.Length >= 32 => PanicReason(UInt256.FromBigEndian(arguments[..32])),
            _ => null,
        };
    }

    private static string? DecodeString(ReadOnlySpan<byte> arguments)
    {
        if (arguments.Length < 32 || !TryReadLength(arguments[..32], out var offset) || offset > arguments.Length - 32)
        {
            return null;
        }

        if (!TryReadLength(arguments.Slice(offset, 32), out var length) || length > arguments.Length - offset - 32)
        {
            return null;
        }

        return Encoding.UTF8.GetString(arguments.Slice(offset + 32, length));
    }

    // An ABI offset or length: a 32-byte word that must fit comfortably in an int.
    private static bool TryReadLength(ReadOnlySpan<byte> word, out int value)
    {
        var number = UInt256.FromBigEndian(word);
        if (!number.FitsInUInt64 || number.U0 > int.MaxValue)
        {
            value = 0;
            return false;
        }

        value = (int)number.U0;
        return true;
    }

    // Solidity's panic codes, worded as geth's abi package words them.
    private static string PanicReason(in UInt256 code) => code.FitsInUInt64
        ? code.U0 switch
        {
            0x00 => "generic panic",
            0x01 => "assert(false)",
            0x11 => "arithmetic underflow or overflow",
            0x12 => "division or modulo by zero",
            0x21 => "enum overflow",
            0x22 => "invalid encoded storage byte array accessed",
            0x31 => "out-of-bounds array access; popping on an empty array",
            0x32 => "out-of-bounds access of an array or bytesN",
            0x41 => "out of memory",
            0x51 => "uninitialized function",
            _ => UnknownPanic(code),
        }
        : UnknownPanic(code);

    private static string UnknownPanic(in UInt256 code) =>
        string.Create(CultureInfo.InvariantCulture, $"unknown panic code: {RpcHex.Quantity(code)}");
}
