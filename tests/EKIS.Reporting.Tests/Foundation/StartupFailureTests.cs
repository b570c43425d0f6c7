using System.Net;
using System.Net.Sockets;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Foundation;

/// <summary>A wrong connection string ends each host with exit code ≠ 0 and one clear line, not a stack-trace flood.</summary>
public sealed class StartupFailureTests
{
    private static string ClosedPortConnectionString()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return $"Host=127.0.0.1;Port={port};Username=nobody;Password=wrong;Database=nothing;Timeout=3";
    }

    private static IEnumerable<TestCaseData> Hosts()
    {
        yield return new TestCaseData("cli", new[] { "migrate" }).SetName("The_cli_exits_non_zero_with_one_line_on_an_unreachable_server");
        yield return new TestCaseData("web", Array.Empty<string>()).SetName("The_web_app_exits_non_zero_with_one_line_on_an_unreachable_server");
        yield return new TestCaseData("worker", Array.Empty<string>()).SetName("The_worker_exits_non_zero_with_one_line_on_an_unreachable_server");
    }

    [TestCaseSource(nameof(Hosts))]
    public async Task Unreachable_server(string host, string[] args)
    {
        var result = await RunAsync(host, ClosedPortConnectionString(), args);
        AssertOneClearLine(result, "Cannot connect to PostgreSQL at 127.0.0.1:");
    }

    [TestCase("cli")]
    [TestCase("web")]
    public async Task A_malformed_connection_string_is_named_as_such(string host)
    {
        var result = await RunAsync(host, "Host=127.0.0.1;Port=notaport;Database", host == "cli" ? ["migrate"] : []);
        AssertOneClearLine(result, "connection string (EKIS_DB or ConnectionStrings:Ekis) is malformed");
    }

    [Test]
    public async Task A_wrong_password_is_reported_without_revealing_it()
    {
        var cs = new Npgsql.NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Password = "definitely-wrong-secret" }.ConnectionString;
        var result = await RunAsync("cli", cs, ["migrate"]);
        AssertOneClearLine(result, "Cannot connect to PostgreSQL");
        Assert.That(result.Output, Does.Not.Contain("definitely-wrong-secret"));
    }

    private static Task<BuiltPrograms.Result> RunAsync(string host, string cs, string[] args)
    {
        var dll = host switch { "cli" => BuiltPrograms.Cli, "web" => BuiltPrograms.Web, _ => BuiltPrograms.Worker };
        var env = new Dictionary<string, string?> { ["EKIS_DB"] = cs, ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" };
        return BuiltPrograms.RunAsync(dll, env, TimeSpan.FromSeconds(60), args);
    }

    private static void AssertOneClearLine(BuiltPrograms.Result result, string expected)
    {
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Not.Zero, result.Output);
            Assert.That(lines.Count(l => l.Contains(expected, StringComparison.Ordinal)), Is.EqualTo(1), result.Output);
            Assert.That(lines.Where(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)), Is.Empty, "no stack trace: " + result.Output);
            Assert.That(lines.Length, Is.LessThanOrEqualTo(3), result.Output);
        });
    }
}
