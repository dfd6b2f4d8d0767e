using System.Net;
using System.Net.Sockets;
using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Grains.Inference;
using Hyperion.Inference.Benchmarks;
using Hyperion.Inference.Manifests;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Sharding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Latency percentiles and throughput of the inference grid against plain ONNX Runtime, measured in the same run.
//   dotnet run -c Release --project bench/Hyperion.Inference.Benchmarks -- [--models mlp,resnet18] [--seconds 10]
//       [--concurrency 1,4,16] [--max-batch 16] [--max-queue-delay-ms 0] [--gpu]
var options = BenchmarkOptions.Parse(args);
ThreadPool.SetMinThreads(64, 64);
Console.WriteLine($"Hyperion inference benchmark: {Environment.ProcessorCount} cores, ONNX Runtime {OnnxRuntimeInfo.NativeVersion} " +
    $"({OnnxRuntimeInfo.InstructionSetFamily}), {options.Seconds} s per point, max batch {options.MaxBatch}, " +
    $"max queue delay {options.MaxQueueDelay.TotalMilliseconds} ms, GPU announced: {options.Gpu}");

var siloPort = FreePort();
var gatewayPort = FreePort();
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(siloPort, gatewayPort);
    silo.AddMemoryGrainStorage("hyperion");
    silo.AnnounceInferenceGpus(options.Gpu ? 1 : 0);
    silo.AddHyperionInference(inference =>
    {
        inference.Replicas = 1;
        inference.MaxBatchSize = options.MaxBatch;
        inference.MaxQueueDelay = options.MaxQueueDelay;
        inference.MaxQueueLength = 1024;
    });
});
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

var rows = new List<ResultRow>();
foreach (var model in options.Models.Select(BenchmarkModel.Load))
{
    Console.WriteLine();
    var registered = await grains.GetGrain<IModelCatalogGrain>(0).RegisterAsync(model.Name, model.Onnx, [model.Cut]);
    Console.WriteLine($"== {model.Name}: {registered.ShardCount} shards (cut at {model.Cut}), {registered.ParameterCount:N0} parameters, input {string.Join('x', model.Input[0].Dimensions)} float32");
    var router = grains.GetGrain<IInferenceRouterGrain>(0);
    using var plain = new PlainOnnxRuntime(model.Onnx);

    // The grid's canonical shards against plain ONNX Runtime on the whole model under the same settings.
    var payload = model.Input.ToPayloads();
    var gridOutput = (await router.InferAsync(registered.ModelId, payload, canonical: true)).Outputs.ToTensorSet();
    var plainOutput = plain.Run(model.Input);
    Console.WriteLine($"grid output bit-identical to plain ONNX Runtime: {gridOutput[0].Data.Span.SequenceEqual(plainOutput[0].Data.Span)}");

    // The same shards in this process without grains (the library's ModelPipeline): splits the grid's overhead into
    // what sharding costs and what the grains cost.
    using var pipeline = ModelPipeline.Open(ModelPackager.Package(model.Name, model.Onnx, CutPoint.AtEach([model.Cut])), RuntimeProfile.Canonical);
    foreach (var concurrency in options.Concurrency)
    {
        var loads = await Load.CompareAsync(
            concurrency,
            options.Warmup,
            options.Duration,
            () =>
            {
                plain.Run(model.Input);
                return Task.FromResult<InferenceResult?>(null);
            },
            async () => await router.InferAsync(registered.ModelId, payload, canonical: true),
            () =>
            {
                pipeline.Run(model.Input);
                return Task.FromResult<InferenceResult?>(null);
            });
        var row = new ResultRow(model.Name, concurrency, loads[0], loads[1], loads[2]);
        rows.Add(row);
        Console.WriteLine(row.Describe());
    }
}

Console.WriteLine();
Console.WriteLine(ResultRow.MarkdownHeader);
foreach (var row in rows)
{
    Console.WriteLine(row.ToMarkdown());
}

await host.StopAsync();

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
