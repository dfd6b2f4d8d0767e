using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Hyperion.Inference.Runtime;

/// <summary>
/// One shard's ONNX Runtime session: loads the shard's bytes after checking them against the manifest, runs
/// requests one at a time or stacked into one batch, and says which provider runs it and whether its results are
/// canonical. A shard grain owns one.
/// </summary>
/// <remarks>
/// Thread safety: <see cref="Run"/> and <see cref="RunBatch"/> may be called from any number of threads at once
/// (ONNX Runtime sessions allow concurrent runs, and this class keeps no state between calls). Under the canonical
/// profile each run then uses its caller's thread only, so concurrency adds throughput, never a different result.
/// <see cref="Dispose"/> must come after the last run has returned: the owner (a grain deactivating after its
/// queue drained) guarantees that.
/// </remarks>
public sealed class ShardSession : IDisposable
{
    private readonly OpenedOnnxSession _opened;
    private readonly string[] _outputNames;
    private int _disposed;

    private ShardSession(ShardManifest shard, RuntimeProfile requestedProfile, OpenedOnnxSession opened)
    {
        Shard = shard;
        _opened = opened;
        EffectiveProfile = requestedProfile with
        {
            Provider = opened.ActiveProvider,
            OnnxRuntimeVersion = OnnxRuntimeInfo.NativeVersion,
        };
        _outputNames = [.. shard.Outputs.Select(output => output.Name)];
        SupportsBatching = shard.Inputs.Concat(shard.Outputs).All(signature => signature.Shape.Length > 0 && signature.Shape[0].IsFree);
    }

    public ShardManifest Shard { get; }

    /// <summary>The profile that actually runs: the one asked for, with the provider in use and the loaded runtime version.</summary>
    public RuntimeProfile EffectiveProfile { get; }

    /// <summary>The provider in use; CPU when CUDA was asked for and is unavailable.</summary>
    public ExecutionProviderKind ActiveProvider => _opened.ActiveProvider;

    /// <summary>Why CUDA was not used when it was asked for; null otherwise.</summary>
    public string? ProviderFallbackReason => _opened.ProviderFallbackReason;

    /// <summary>Whether results are canonical, the only ones verification may use: the effective profile is exactly the canonical one.</summary>
    public bool IsCanonical => EffectiveProfile.IsCanonical;

    /// <summary>
    /// Whether requests can be stacked: dimension 0 of every input and output is free, and is the batch axis.
    /// </summary>
    public bool SupportsBatching { get; }

    /// <summary>
    /// Checks <paramref name="onnxBytes"/> against <paramref name="shard"/> (length and Keccak-256) and opens them under
    /// <paramref name="profile"/>. A CUDA profile falls back to CPU when CUDA is unavailable (see <see cref="ActiveProvider"/>).
    /// </summary>
    /// <exception cref="ModelIntegrityException">The bytes are not the pinned ones, or ONNX Runtime resolves other inputs or outputs than the manifest declares.</exception>
    /// <exception cref="CanonicalProfileException">The canonical profile was asked for under another ONNX Runtime version.</exception>
    public static ShardSession Open(ShardManifest shard, ReadOnlyMemory<byte> onnxBytes, RuntimeProfile profile, int cudaDeviceId = 0)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(profile);
        shard.VerifyContent(onnxBytes.Span);
        var bytes = MemoryMarshal.TryGetArray(onnxBytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : onnxBytes.ToArray();
        OpenedOnnxSession opened;
        try
        {
            opened = OnnxSessionFactory.Open(bytes, profile, cudaDeviceId);
        }
        catch (OnnxRuntimeException exception)
        {
            throw new ModelIntegrityException($"ONNX Runtime cannot load shard {shard.Index}: {exception.Message}", exception);
        }

        try
        {
            var resolvedInputs = OnnxSignatures.Inputs(opened.Session);
            var resolvedOutputs = OnnxSignatures.Outputs(opened.Session);
            if (!resolvedInputs.SequenceEqual(shard.Inputs) || !resolvedOutputs.SequenceEqual(shard.Outputs))
            {
                throw new ModelIntegrityException(
                    $"shard {shard.Index}: ONNX Runtime resolves inputs [{string.Join(", ", resolvedInputs)}] and outputs [{string.Join(", ", resolvedOutputs)}], " +
                    $"the manifest declares [{string.Join(", ", shard.Inputs)}] and [{string.Join(", ", shard.Outputs)}]");
            }

            return new ShardSession(shard, profile, opened);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>Runs one request. The inputs must be exactly the shard's inputs; the outputs come in the manifest's order.</summary>
    /// <exception cref="InvalidInferenceInputException">The inputs do not fit the shard's signatures.</exception>
    public TensorSet Run(TensorSet inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Validate(inputs);
        return Execute(inputs);
    }

    /// <summary>
    /// Runs several requests as one: their inputs are stacked along dimension 0 (the batch axis), run once, and the
    /// outputs split back along dimension 0 in proportion. Each request's entries along dimension 0 must be the
    /// same for all its inputs, and the other dimensions the same across requests. This is what a shard grain's
    /// batching queue calls.
    /// </summary>
    /// <exception cref="InvalidInferenceInputException">A request does not fit, or the requests cannot share a batch.</exception>
    /// <exception cref="InvalidOperationException">The shard has no batch axis (<see cref="SupportsBatching"/> is false).</exception>
    public IReadOnlyList<TensorSet> RunBatch(IReadOnlyList<TensorSet> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (requests.Count == 0)
        {
            return [];
        }

        if (requests.Count == 1)
        {
            return [Run(requests[0])];
        }

        if (!SupportsBatching)
        {
            throw new InvalidOperationException($"shard {Shard.Index} cannot batch: dimension 0 of some input or output is not free");
        }

        var entriesPerRequest = new long[requests.Count];
        for (var request = 0; request < requests.Count; request++)
        {
            Validate(requests[request]);
            entriesPerRequest[request] = BatchEntries(requests[request]);
        }

        var stacked = new TensorSet(Shard.Inputs.Select(input => Stack(input.Name, requests, entriesPerRequest)));
        var outputs = Execute(stacked);
        var totalEntries = entriesPerRequest.Sum();
        var perRequest = new List<NamedTensor>[requests.Count];
        for (var request = 0; request < requests.Count; request++)
        {
            perRequest[request] = new List<NamedTensor>(outputs.Count);
        }

        foreach (var output in outputs)
        {
            if (output.Dimensions[0] != totalEntries)
            {
                throw new InvalidOperationException(
                    $"shard {Shard.Index}: output '{output.Name}' has {output.Dimensions[0]} entries along dimension 0 for {totalEntries} stacked inputs, so it cannot be split back per request");
            }

            var entryBytes = totalEntries == 0 ? 0 : output.Data.Length / totalEntries;
            var offset = 0L;
            for (var request = 0; request < requests.Count; request++)
            {
                var length = entryBytes * entriesPerRequest[request];
                var dimensions = output.Dimensions.SetItem(0, entriesPerRequest[request]);
                perRequest[request].Add(new NamedTensor(output.Name, output.DataType, dimensions, output.Data.Span.Slice((int)offset, (int)length).ToArray()));
                offset += length;
            }
        }

        return [.. perRequest.Select(tensors => new TensorSet(tensors))];
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _opened.Dispose();
        }
    }

    private void Validate(TensorSet inputs)
    {
        if (inputs.Count != Shard.Inputs.Length)
        {
            throw new InvalidInferenceInputException(
                $"shard {Shard.Index} takes [{string.Join(", ", Shard.Inputs.Select(input => input.Name))}], got [{string.Join(", ", inputs.Names)}]");
        }

        foreach (var signature in Shard.Inputs)
        {
            if (!inputs.TryGetValue(signature.Name, out var tensor))
            {
                throw new InvalidInferenceInputException($"shard {Shard.Index} needs input '{signature.Name}', which is missing");
            }

            signature.Validate(tensor);
        }
    }

    private static long BatchEntries(TensorSet request)
    {
        var entries = request[0].Dimensions[0];
        foreach (var tensor in request)
        {
            if (tensor.Dimensions[0] != entries)
            {
                throw new InvalidInferenceInputException(
                    $"the inputs of one request must have the same number of entries along dimension 0 to be batched; '{tensor.Name}' has {tensor.Dimensions[0]}, '{request[0].Name}' has {entries}");
            }
        }

        return entries;
    }

    private static NamedTensor Stack(string name, IReadOnlyList<TensorSet> requests, long[] entriesPerRequest)
    {
        var first = requests[0][name];
        var trailing = first.Dimensions.AsSpan()[1..];
        var data = new byte[requests.Sum(request => (long)request[name].Data.Length)];
        var offset = 0;
        foreach (var request in requests)
        {
            var tensor = request[name];
            if (!tensor.Dimensions.AsSpan()[1..].SequenceEqual(trailing))
            {
                throw new InvalidInferenceInputException(
                    $"requests cannot share a batch: '{name}' has shape [{string.Join(',', tensor.Dimensions)}] in one and [{string.Join(',', first.Dimensions)}] in another beyond dimension 0");
            }

            tensor.Data.Span.CopyTo(data.AsSpan(offset));
            offset += tensor.Data.Length;
        }

        // Row-major layout makes stacking along dimension 0 a plain concatenation of the requests' bytes.
        var dimensions = first.Dimensions.SetItem(0, entriesPerRequest.Sum());
        return new NamedTensor(name, first.DataType, dimensions, data);
    }

    private TensorSet Execute(TensorSet inputs)
    {
        var names = new string[Shard.Inputs.Length];
        var values = new OrtValue[Shard.Inputs.Length];
        try
        {
            for (var index = 0; index < names.Length; index++)
            {
                var tensor = inputs[Shard.Inputs[index].Name];
                names[index] = tensor.Name;
                values[index] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, tensor.DataType.ToOrt(), [.. tensor.Dimensions]);
                tensor.Data.Span.CopyTo(values[index].GetTensorMutableRawData());
            }

            using var runOptions = new RunOptions();
            using var results = _opened.Session.Run(runOptions, names, values, _outputNames);
            var outputs = new NamedTensor[_outputNames.Length];
            var outputIndex = 0;
            foreach (var result in results)
            {
                outputs[outputIndex] = ToNamedTensor(_outputNames[outputIndex], result);
                outputIndex++;
            }

            return new TensorSet(outputs);
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();
            }
        }
    }

    private static NamedTensor ToNamedTensor(string name, OrtValue value)
    {
        if (!value.IsTensor)
        {
            throw new InvalidOperationException($"output '{name}' is a {value.OnnxType}, not a tensor");
        }

        var info = value.GetTensorTypeAndShape();
        var dataType = TensorDataTypes.FromOrt(info.ElementDataType);
        return new NamedTensor(name, dataType, ImmutableArray.Create(info.Shape), value.GetTensorMutableRawData().ToArray());
    }
}
