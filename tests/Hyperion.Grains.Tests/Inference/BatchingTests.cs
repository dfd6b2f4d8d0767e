using System.Diagnostics.Metrics;
using Hyperion.Grains.Abstractions.Inference;
using Hyperion.Grains.Inference;
using Hyperion.Inference.Runtime;
using Hyperion.Inference.Testing;

namespace Hyperion.Grains.Tests.Inference;

/// <summary>Dynamic batching in a shard replica, back-pressure from its bounded queue, and the queue and compute metrics.</summary>
public sealed class BatchingTests
{
    [Fact]
    public async Task Requests_arriving_together_run_as_one_batch_with_the_same_results_as_alone()
    {
        var measurements = new List<(string Instrument, double Value)>();
        using var listener = ListenToInference(measurements);
        await using var grid = await InferenceCluster.StartAsync(silos: 1, configure: options =>
        {
            options.MaxBatchSize = 8;
            options.MaxQueueDelay = TimeSpan.FromMilliseconds(50);
            options.ConcurrentBatches = 1;
        });
        var model = await grid.RegisterTwoShardMlpAsync();
        var shard0 = grid.Client.GetGrain<IModelShardGrain>(ShardKeys.Format(model.ModelId, 0, 0));
        await shard0.GetStatusAsync();
        using var session = ShardSession.Open(InferenceCluster.TwoShardMlp.Manifest.Shards[0], InferenceCluster.TwoShardMlp.ShardBytes[0], RuntimeProfile.Canonical);
        var inputs = Enumerable.Range(0, 8).Select(index => SeededMlp.Input(1 + (index % 3), (ulong)index)).ToArray();

        var results = await Task.WhenAll(inputs.Select(input => shard0.RunAsync(input.ToPayloads(), canonical: true)));

        Assert.Contains(results, result => result.BatchSize > 1);
        for (var index = 0; index < inputs.Length; index++)
        {
            Assert.Equal(session.Run(inputs[index]), results[index].Outputs.ToTensorSet());
            Assert.True(results[index].QueueMicroseconds >= 0 && results[index].ComputeMicroseconds > 0);
        }

        var status = await shard0.GetStatusAsync();
        Assert.Equal(8, status.Requests);
        Assert.True(status.Batches < 8 && status.LargestBatch > 1, $"{status.Batches} batches, largest {status.LargestBatch}");
        lock (measurements)
        {
            Assert.Contains(measurements, measurement => measurement.Instrument == "hyperion.inference.queue_time");
            Assert.Contains(measurements, measurement => measurement.Instrument == "hyperion.inference.compute_time");
            Assert.Contains(measurements, measurement => measurement.Instrument == "hyperion.inference.batch_size" && measurement.Value > 1);
        }
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once()
    {
        await using var grid = await InferenceCluster.StartAsync(silos: 1, configure: options =>
        {
            options.MaxBatchSize = 1;
            options.MaxQueueLength = 2;
            options.ConcurrentBatches = 1;
            options.MaxQueueDelay = TimeSpan.Zero;
        });
        var model = await grid.RegisterTwoShardMlpAsync();
        var shard0 = grid.Client.GetGrain<IModelShardGrain>(ShardKeys.Format(model.ModelId, 0, 0));
        await shard0.GetStatusAsync();
        var big = SeededMlp.Input(20_000, 5).ToPayloads();

        var calls = Enumerable.Range(0, 12).Select(_ => shard0.RunAsync(big, canonical: true)).ToArray();
        var outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                await call;
                return "ran";
            }
            catch (InferenceBusyException)
            {
                return "busy";
            }
        }));

        Assert.Contains("busy", outcomes);
        Assert.Contains("ran", outcomes);
    }

    [Fact]
    public async Task When_a_replicas_queue_is_full_the_router_moves_the_request_to_another_replica()
    {
        await using var grid = await InferenceCluster.StartAsync(silos: 1, configure: options =>
        {
            options.MaxBatchSize = 1;
            options.MaxQueueLength = 1;
            options.ConcurrentBatches = 1;
            options.MaxQueueDelay = TimeSpan.Zero;
        });
        var model = await grid.RegisterTwoShardMlpAsync();
        await grid.StatusesAsync(model);
        var input = SeededMlp.Input(5_000, 6);

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => grid.Router.InferAsync(model.ModelId, input.ToPayloads(), canonical: true)));

        Assert.All(results, result => Assert.Equal(results[0].OutputHash, result.OutputHash));
        Assert.Contains(results.SelectMany(result => result.Shards), timing => timing.Attempts > 1);
    }

    private static MeterListener ListenToInference(List<(string Instrument, double Value)> measurements)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Meter.Name == InferenceMetrics.MeterName)
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument.Name, value));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Add(instrument.Name, value));
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(instrument.Name, value));
        listener.Start();
        return listener;

        void Add(string name, double value)
        {
            lock (measurements)
            {
                measurements.Add((name, value));
            }
        }
    }
}
