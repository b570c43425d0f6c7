using System.Text.Json;
using EKIS.Reporting.Tests.Support;
using EKIS.Reporting.Tests.Templates;

namespace EKIS.Reporting.Tests.Campaigns;

/// <summary>Issue 6: <c>ekis campaign list [--json]</c> and <c>ekis campaign load-template</c>, as real processes.</summary>
public sealed class CampaignCliTests : CampaignTest
{
    [Test]
    public async Task The_cli_lists_campaigns_with_counts_and_loads_a_template_once()
    {
        await SubmittedReportAsync();
        var env = new Dictionary<string, string?> { ["EKIS_DB"] = TestDatabase.ConnectionString };

        var list = await BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(60), "campaign", "list", "--json");
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Output);
        using var doc = JsonDocument.Parse(list.Output.Split('\n').Single(l => l.StartsWith("{\"campaigns\"", StringComparison.Ordinal)));
        var c = doc.RootElement.GetProperty("campaigns")[0];
        Assert.That(c.GetProperty("id").GetInt64(), Is.EqualTo(CampaignId));
        Assert.That(c.GetProperty("templateCode").GetString(), Is.EqualTo("9990001001012"));
        Assert.That(c.GetProperty("period").GetString(), Is.EqualTo("1210"));
        Assert.That(c.GetProperty("status").GetString(), Is.EqualTo("open"));
        var general = (int)await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE level IN ('organisation', 'branch') AND status = 'active' AND kind = 'general'");
        Assert.That((c.GetProperty("expected").GetInt32(), c.GetProperty("submitted").GetInt32()), Is.EqualTo((general, 1)));

        var oo1 = TemplateTestKit.RepoPath("templates", "forms", "oo-1.xml");
        var load = await BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(60), "campaign", "load-template", oo1);
        var again = await BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(60), "campaign", "load-template", oo1);
        var missing = await BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(60), "campaign", "load-template", oo1 + ".none");
        Assert.That((load.ExitCode, again.ExitCode, missing.ExitCode), Is.EqualTo((0, 0, 2)), load.Output + again.Output + missing.Output);
        Assert.That(again.Output, Does.Contain("Уже загружен"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.template_version"), Is.EqualTo(2));
    }
}
