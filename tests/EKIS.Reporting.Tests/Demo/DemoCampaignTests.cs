using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Campaigns;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Demo;

/// <summary>Issue 6, point 12: the demo seed opens an ОО-1 and an 85-К campaign with reports in every status.</summary>
public sealed class DemoCampaignTests : DatabaseTest
{
    private static readonly DateOnly Day = new(2026, 11, 22);

    private static async Task<SeedDemoCampaigns.Result> SeedAsync(TimeProvider clock)
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        return await new SeedDemoCampaigns(Db, clock).RunAsync(Actor.Cli);
    }

    private static async Task<AccessScope> DemoScopeAsync(string login)
    {
        await using var conn = await Db.OpenConnectionAsync();
        var x = await conn.QuerySingleAsync<(long UserId, string Name, long AssignmentId, string Role, long? Unit)>("""
            SELECT u.id, u.full_name, a.id, a.role, a.org_unit_id FROM ekis.app_user u
            JOIN ekis.role_assignment a ON a.user_id = u.id AND a.status = 'active' WHERE u.login = @login
            """, new { login });
        return new AccessScope(x.UserId, x.Name, x.AssignmentId, x.Role, x.Unit, null);
    }

    private sealed record Latest(long Id, string Form, string Code, int Version, string Status, DateTime? Extension, DateTime? Resubmit)
    {
        public DateOnly? ExtensionUntil => Extension is { } d ? DateOnly.FromDateTime(d) : null;
    }

    /// <summary>The newest version of every report, with its form code and the respondent's ЕКИС code.</summary>
    private static async Task<List<Latest>> LatestReportsAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<Latest>("""
            SELECT DISTINCT ON (r.campaign_id, r.org_unit_id) r.id, t.file_name AS Form, u.ekis_code AS Code, r.version, r.status,
                   r.extension_until::timestamp AS Extension, r.resubmit_until::timestamp AS Resubmit
            FROM ekis.report r JOIN ekis.campaign c ON c.id = r.campaign_id JOIN ekis.template_version t ON t.id = c.template_version_id
            JOIN ekis.org_unit u ON u.id = r.org_unit_id
            ORDER BY r.campaign_id, r.org_unit_id, r.version DESC
            """)).ToList();
    }

    [Test]
    public async Task Both_demo_campaigns_have_reports_in_every_status_and_respondents_not_started()
    {
        var result = await SeedAsync(new FixedClock(Day));
        var reports = await LatestReportsAsync();
        var statuses = new[]
        {
            ReportStatus.Draft, ReportStatus.Submitted, ReportStatus.ReturnedByMunicipality, ReportStatus.ReturnedByRegion,
            ReportStatus.AcceptedByMunicipality, ReportStatus.AcceptedByRegion,
        };
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result.CampaignsOpened, Is.EqualTo(2));
            Assert.That(result.Reports, Is.EqualTo(await ScalarAsync<long>("SELECT count(*) FROM ekis.report WHERE version = 1")), "one report started per planned respondent");
            foreach (var form in new[] { ShippedTemplates.Oo1, ShippedTemplates.K85 })
            {
                var ofForm = reports.Where(r => r.Form == form).ToList();
                Assert.That(ofForm.Select(r => r.Status).Distinct(), Is.SupersetOf(statuses), form);
                Assert.That(ofForm.Where(r => r.Version == 2 && r.Status == ReportStatus.Draft), Has.Exactly(1).Items, $"{form}: reopened as version 2");
            }
            // The 85-К campaign is past due: one overdue draft has an extension beyond today, others have none.
            var k85Drafts = reports.Where(r => r.Form == ShippedTemplates.K85 && r is { Status: ReportStatus.Draft, Version: 1 }).ToList();
            Assert.That(k85Drafts.Count(r => r.ExtensionUntil > Day), Is.EqualTo(1));
            Assert.That(k85Drafts.Count(r => r.ExtensionUntil is null), Is.GreaterThan(0));

            var notStarted = await ScalarAsync<long>("""
                SELECT count(*) FROM ekis.campaign_respondent cr
                WHERE NOT EXISTS (SELECT 1 FROM ekis.report r WHERE r.campaign_id = cr.campaign_id AND r.org_unit_id = cr.org_unit_id)
                GROUP BY cr.campaign_id ORDER BY 1 LIMIT 1
                """);
            Assert.That(notStarted, Is.GreaterThan(0), "each campaign has respondents that have not started");

            // The return carries its comment; the changed cell of version 2 is in the value audit as a change of version 2.
            var returnComments = await ScalarAsync<long>(
                "SELECT count(*) FROM ekis.report_transition WHERE to_status = 'returned_by_municipality' AND length(comment) > 10");
            Assert.That(returnComments, Is.GreaterThanOrEqualTo(2));
            var v2Changes = await ScalarAsync<long>("""
                SELECT count(*) FROM ekis.report_value_change ch JOIN ekis.report r ON r.id = ch.report_id
                WHERE r.version = 2 AND ch.version = 2 AND ch.old_value IS DISTINCT FROM ch.new_value
                """);
            Assert.That(v2Changes, Is.GreaterThanOrEqualTo(2), "a changed cell in each reopened report");
        });
    }

    [Test]
    public async Task Seeding_the_demo_campaigns_twice_adds_nothing()
    {
        var clock = new FixedClock(Day);
        await SeedAsync(clock);
        const string counts = """
            SELECT (SELECT count(*) FROM ekis.campaign) || '/' || (SELECT count(*) FROM ekis.campaign_respondent) || '/' ||
                   (SELECT count(*) FROM ekis.report) || '/' || (SELECT count(*) FROM ekis.report_value) || '/' ||
                   (SELECT count(*) FROM ekis.report_value_change) || '/' || (SELECT count(*) FROM ekis.report_transition) || '/' ||
                   (SELECT count(*) FROM ekis.template_version) || '/' || (SELECT count(*) FROM ekis.audit_event)
            """;
        var before = await ScalarAsync<string>(counts);
        clock.Today = Day.AddDays(40); // another day: still nothing new (the dates would differ)
        var again = await new SeedDemoCampaigns(Db, clock).RunAsync(Actor.Cli);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(again, Is.EqualTo(new SeedDemoCampaigns.Result(0, 0)));
            Assert.That(await ScalarAsync<string>(counts), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task Sent_and_accepted_demo_reports_pass_every_control_and_the_broken_drafts_do_not()
    {
        await SeedAsync(new FixedClock(Day));
        var analyst = await DemoScopeAsync("analyst");
        var check = new CheckReport(Db);
        var problems = new List<string>();
        var broken = 0;
        foreach (var r in await LatestReportsAsync())
        {
            var result = (await check.CheckAsync(analyst, r.Id))!;
            if (r.Status != ReportStatus.Draft && result.All.Any())
                problems.Add($"{r.Form} {r.Code} ({r.Status}): {string.Join("; ", result.All.Select(f => f.Message))}");
            if (result.HasErrors)
            {
                broken++;
                Assert.That(r.Status, Is.EqualTo(ReportStatus.Draft), $"{r.Code}: only drafts may have control errors");
                Assert.That(result.Errors.Select(e => e.Code).Distinct(), Is.EqualTo(r.Form == ShippedTemplates.Oo1 ? new[] { "4" } : new[] { "2", "7" }),
                    $"{r.Code}: the deliberate typo in a column-3 total breaks exactly the controls that sum into it");
            }
        }
        Assert.That(problems, Is.Empty);
        Assert.That(broken, Is.GreaterThanOrEqualTo(2), "at least one deliberately broken draft per form");
    }

    [TestCase("2026-11-22")]
    [TestCase("2027-09-25")]
    public async Task The_demo_director_sees_both_forms_and_can_edit_on_any_day_the_demo_is_loaded(string day)
    {
        var clock = new FixedClock(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));
        await SeedAsync(clock);
        var director = await DemoScopeAsync("director");
        var forms = await new MyForms(Db, clock).ListAsync(director);
        var values = new ReportValues(Db);
        var save = new SaveValues(Db, clock);

        Assert.That(forms.Select(f => f.Form.Form).Distinct().Count(), Is.EqualTo(2), string.Join(", ", forms.Select(f => f.Form.Form)));
        Assert.That(forms.All(f => f.Form.ReportId is not null), Is.True, "the director's school has started both");
        var fileOf = (await LatestReportsAsync()).ToDictionary(r => r.Id, r => r.Form);
        var editable = 0;
        foreach (var item in forms)
        {
            Assert.That(item.DaysLeft, Is.GreaterThan(0), $"{item.Form.Form}: the director can still send");
            var head = (await values.GetAsync(director, item.Form.ReportId!.Value))!.Head;
            CellValue cell = fileOf[head.Id] == ShippedTemplates.Oo1 ? new("2.4", "06", "4", "3") : new("1", "107", "3", "0");
            var saved = await save.SaveAsync(director, Actor.User(director.UserId, director.UserName), new SaveValues.Command(head.Id, head.RowVersion, [cell]));
            Assert.That(saved.Ok, Is.True, $"{fileOf[head.Id]}: {saved.Message}");
            if (saved.Ok) editable++;
        }
        Assert.That(editable, Is.EqualTo(2), "both of the director's reports accept a change (a draft and a return)");
    }

    [Test]
    public async Task Ekis_seed_demo_opens_the_demo_campaigns_once_and_accepts_templates_loaded_from_their_files()
    {
        // The embedded template is byte-for-byte the shipped file: loading the file first leaves the demo nothing to conflict with.
        var file = EKIS.Reporting.Tests.Templates.TemplateTestKit.RepoPath("templates", "forms", ShippedTemplates.Oo1);
        await new EKIS.Reporting.Features.Campaigns.TemplateVersions(Db).LoadAsync(Actor.Cli, ShippedTemplates.Oo1, await File.ReadAllTextAsync(file));
        var env = new Dictionary<string, string?> { ["EKIS_DB"] = TestDatabase.ConnectionString };

        var first = await BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(120), "seed", "demo");
        var second = await BuiltPrograms.RunAsync(BuiltPrograms.Cli, env, TimeSpan.FromSeconds(120), "seed", "demo");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((first.ExitCode, second.ExitCode), Is.EqualTo((0, 0)), first.Output + second.Output);
            Assert.That(first.Output, Does.Contain("открыто демонстрационных кампаний: 2"));
            Assert.That(second.Output, Does.Contain("Демонстрационные данные уже загружены."));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.campaign WHERE status = 'open'"), Is.EqualTo(2));
            Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.template_version"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Every_demo_value_was_typed_through_the_value_audit_by_the_seeding_actor()
    {
        await SeedAsync(new FixedClock(Day));
        await using var conn = await Db.OpenConnectionAsync();
        var unaudited = await conn.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM ekis.report_value v JOIN ekis.report r ON r.id = v.report_id
            WHERE r.version = 1 AND NOT EXISTS (
                SELECT 1 FROM ekis.report_value_change ch WHERE ch.report_id = v.report_id AND ch.cell_id = v.cell_id
                  AND ch.new_value IS NOT DISTINCT FROM coalesce(v.value::text, v.text_value))
            """);
        var sources = (await conn.QueryAsync<(string Source, string Actor)>(
            "SELECT DISTINCT source, actor FROM ekis.report_value_change")).ToList();
        var transitionActors = (await conn.QueryAsync<string>("SELECT DISTINCT actor FROM ekis.report_transition")).ToList();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM ekis.report_value"), Is.GreaterThan(500), "dozens of filled reports");
            Assert.That(unaudited, Is.Zero, "every stored value of a first version has its audit row");
            Assert.That(sources, Is.EqualTo(new[] { ("typed", Actor.Cli.Key) }));
            Assert.That(transitionActors, Is.EqualTo(new[] { Actor.Cli.Key }));
        });
    }
}
