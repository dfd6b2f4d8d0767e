using System.Collections.Concurrent;
using System.Text;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Evm.Precompiles;
using Hyperion.Inference;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Tensors;

namespace Hyperion.Grains.Inference;

/// <summary>
/// The inference precompile at 0x…0a11. Calldata: <c>infer(bytes32 modelId, bytes input)</c> ABI-encoded; it returns
/// ABI-encoded <c>bytes output</c>. For a model with one float32 input and one float32 output, input and output are the
/// tensor's elements as little-endian float32 bytes, the input's free dimension taken from the length.
/// </summary>
/// <remarks>
/// <para>Gas is the manifest's schedule (base + per input byte + model), charged before running. Calldata that is not
/// <c>infer(bytes32,bytes)</c>, an unknown model, a model without one float32 input and output, or an input whose length
/// does not fit fails the call cleanly (all its gas consumed, as for any failing precompile; such calls are charged the
/// base gas only, before failing).</para>
/// <para>Every successful call emits <see cref="InferencePin"/> through the journal, so it is in the receipt unless the
/// call or a caller reverts. A STATICCALL gets the pin too: like sha256, the precompile is a pure function of its
/// input, and the pin records the computation rather than changing state.</para>
/// <para>Block-STM may execute a transaction several times; results are kept by (model id, input hash), so a
/// re-execution does not run the model again. A grid failure (no replica answering) throws
/// <see cref="Abstractions.Inference.InferenceUnavailableException"/> rather than failing the call, because a
/// transaction's outcome must not depend on the grid's health: the block is abandoned and built again.</para>
/// </remarks>
public sealed class InferencePrecompile(IInferenceBackend backend, int cacheEntries = 4096) : ILoggingPrecompile
{
    /// <summary>0x0000000000000000000000000000000000000a11.</summary>
    public static readonly Address Address = Address.Parse("0x0000000000000000000000000000000000000a11");

    /// <summary>The 4-byte selector of <c>infer(bytes32,bytes)</c>.</summary>
    public static readonly byte[] Selector = Keccak256.Compute(Encoding.ASCII.GetBytes("infer(bytes32,bytes)")).Bytes[..4].ToArray();

    private readonly ConcurrentDictionary<(Hash256 Model, Hash256 Input), (byte[] Output, InferencePin Pin)> _results = new();

    /// <summary>Adds this precompile to <paramref name="table"/> at <see cref="Address"/>.</summary>
    public PrecompileTable Register(PrecompileTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.With(Address, this);
    }

    public long GasCost(ReadOnlySpan<byte> input)
    {
        if (!TryDecodeCall(input, out var modelId, out var tensorBytes))
        {
            return (long)GasSchedule.CallBaseGas;
        }

        var manifest = backend.FindModel(modelId);
        if (manifest is null)
        {
            return (long)GasSchedule.CallBaseGas;
        }

        var gas = manifest.GasFor(tensorBytes.Length);
        return gas > long.MaxValue ? long.MaxValue : (long)gas;
    }

    /// <summary>Runs without a receipt to pin into: only for hosts without logs; the interpreter calls the other overload.</summary>
    public bool TryRun(ReadOnlySpan<byte> input, out byte[] output) => TryRun(input, emit: null, out output);

    public bool TryRun(ReadOnlySpan<byte> input, PrecompileLogSink logs, out byte[] output) =>
        TryRun(input, pin => logs.Emit(pin.Topics, pin.EncodeData()), out output);

    /// <summary>The ABI encoding of <c>infer(modelId, input)</c>: what a contract sends.</summary>
    public static byte[] EncodeCall(Hash256 modelId, ReadOnlySpan<byte> input)
    {
        var padded = (input.Length + 31) / 32 * 32;
        var call = new byte[4 + 32 + 32 + 32 + padded];
        Selector.CopyTo(call, 0);
        modelId.CopyTo(call.AsSpan(4));
        InferencePin.WriteWord(call.AsSpan(36), 0x40);
        InferencePin.WriteWord(call.AsSpan(68), (ulong)input.Length);
        input.CopyTo(call.AsSpan(100));
        return call;
    }

    /// <summary>Reads the ABI-encoded <c>bytes</c> the precompile returns.</summary>
    public static bool TryDecodeOutput(ReadOnlySpan<byte> output, out byte[] bytes)
    {
        bytes = [];
        if (!InferencePin.TryReadOffset(output, 0, out var offset) || !InferencePin.TryReadOffset(output, offset, out var length)
            || length > output.Length - offset - 32)
        {
            return false;
        }

        bytes = output.Slice(offset + 32, length).ToArray();
        return true;
    }

    private bool TryRun(ReadOnlySpan<byte> input, Action<InferencePin>? emit, out byte[] output)
    {
        output = [];
        if (!TryDecodeCall(input, out var modelId, out var tensorBytes))
        {
            return false;
        }

        var manifest = backend.FindModel(modelId);
        if (manifest is null || !IsSingleFloat32(manifest))
        {
            return false;
        }

        TensorSet inputs;
        try
        {
            inputs = manifest.SingleInputFromBytes(tensorBytes);
        }
        catch (InvalidInferenceInputException)
        {
            return false;
        }

        var key = (modelId, inputs.Hash);
        if (!_results.TryGetValue(key, out var result))
        {
            var (outputs, commitment) = backend.Run(manifest, inputs);
            result = (Encode(outputs[0].Data.Span), new InferencePin(commitment, tensorBytes.ToArray()));
            if (_results.Count >= cacheEntries)
            {
                _results.Clear();
            }

            _results[key] = result;
        }

        emit?.Invoke(result.Pin);
        output = result.Output;
        return true;
    }

    private static bool IsSingleFloat32(ModelManifest manifest) =>
        manifest.Inputs.Length == 1 && manifest.Outputs.Length == 1
        && manifest.Inputs[0].DataType == TensorDataType.Float32 && manifest.Outputs[0].DataType == TensorDataType.Float32;

    private static byte[] Encode(ReadOnlySpan<byte> bytes)
    {
        var padded = (bytes.Length + 31) / 32 * 32;
        var output = new byte[64 + padded];
        InferencePin.WriteWord(output, 0x20);
        InferencePin.WriteWord(output.AsSpan(32), (ulong)bytes.Length);
        bytes.CopyTo(output.AsSpan(64));
        return output;
    }

    /// <summary>Strict <c>infer(bytes32,bytes)</c> calldata: the selector, the id, an offset and length inside the calldata.</summary>
    private static bool TryDecodeCall(ReadOnlySpan<byte> input, out Hash256 modelId, out ReadOnlySpan<byte> tensorBytes)
    {
        modelId = default;
        tensorBytes = default;
        if (input.Length < 4 + 64 || !input[..4].SequenceEqual(Selector))
        {
            return false;
        }

        var arguments = input[4..];
        modelId = new Hash256(arguments[..32]);
        if (!InferencePin.TryReadOffset(arguments, 32, out var offset) || !InferencePin.TryReadOffset(arguments, offset, out var length)
            || length > arguments.Length - offset - 32)
        {
            return false;
        }

        tensorBytes = arguments.Slice(offset + 32, length);
        return true;
    }
}
