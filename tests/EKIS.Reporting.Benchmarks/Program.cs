using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// "registry": issue 4's import and search scenario against a real PostgreSQL (RegistryScenario).
if (args.FirstOrDefault() == "registry")
    return await EKIS.Reporting.Benchmarks.RegistryScenario.RunAsync(args[1..]);

// "campaign": issue 6's save / check / entry page / deadline rush scenarios (CampaignScenario, RushScenario).
if (args.FirstOrDefault() == "campaign")
    return await EKIS.Reporting.Benchmarks.CampaignScenario.RunAsync(args[1..]);

// In-process: the repository's central package management and warnings-as-errors would get in the
// way of the separate project BenchmarkDotNet otherwise generates. Pass "--short" for a quick run.
var job = args.Contains("--short") ? Job.ShortRun : Job.Default;
var config = DefaultConfig.Instance.AddJob(job.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkRunner.Run<EKIS.Reporting.Benchmarks.ControlBenchmarks>(config, args.Where(a => a != "--short").ToArray());
return 0;
