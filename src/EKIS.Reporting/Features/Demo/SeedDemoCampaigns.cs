using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Time;
using Npgsql;

namespace EKIS.Reporting.Features.Demo;

/// <summary>
/// The demo campaigns (issue 6, point 12): an ОО-1 campaign due in two weeks and an 85-К campaign whose
/// due date passed ten days ago, with reports in every status. Everything goes through the slices, in the
/// scopes of the demo analyst, operator and directors, as <paramref name="clock"/>'s today — so every value
/// change and transition is validated and audited as in real use (attributed to the seeding actor).
/// Dates are relative to today so the demo is walkable whenever it is loaded; what happened "before the
/// due date" of the past campaign is done with a clock standing three days before it.
/// Idempotent: a form whose template version already has a campaign is left alone.
/// </summary>
public sealed class SeedDemoCampaigns(NpgsqlDataSource db, TimeProvider clock)
{
    public sealed record Result(int CampaignsOpened, int Reports);

    /// <summary>What the demo does with one respondent's report.</summary>
    public enum Plan
    {
        NotStarted, PartialDraft, BrokenDraft, Submitted, ReturnedByMunicipality, ReturnedByRegion,
        AcceptedByMunicipality, AcceptedByRegion, ReopenedAsVersion2, OverdueWithExtension,
    }

    public const string Oo1Period = "0101";
    public const string K85Period = "0101";

    private DateOnly Today => DateOnly.FromDateTime(clock.GetLocalNow().DateTime);

    public async Task<Result> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var analyst = await DemoScopeAsync("analyst", ct);
        var templates = new TemplateVersions(db);
        var oo1 = await templates.LoadAsync(actor, ShippedTemplates.Oo1, ShippedTemplates.Read(ShippedTemplates.Oo1), ct);
        var k85 = await templates.LoadAsync(actor, ShippedTemplates.K85, ShippedTemplates.Read(ShippedTemplates.K85), ct);
        var opened = 0;
        var reports = 0;

        if (!await HasCampaignAsync(oo1.Id, ct))
        {
            // ОО-1 is an academic-year form with the reference date 20 September; this campaign is due in two weeks.
            var referenceYear = Today >= new DateOnly(Today.Year, 9, 20) ? Today.Year : Today.Year - 1;
            var due = Today.AddDays(14);
            var campaign = await new OpenCampaign(db).OpenAsync(analyst, actor, new OpenCampaign.Command(
                oo1.Id, referenceYear, Oo1Period, due, ReferenceDate: new DateOnly(referenceYear, 9, 20), ReviewDate: due.AddDays(7),
                Kinds: ["general"]), ct);
            opened++;
            reports += await FillAsync(actor, analyst, campaign.CampaignId, due, Oo1Plans, Oo1Values, ct);
        }

        if (!await HasCampaignAsync(k85.Id, ct))
        {
            // 85-К for the last calendar year, due ten days ago: the late respondents are overdue, one has an extension.
            var due = Today.AddDays(-10);
            var campaign = await new OpenCampaign(db).OpenAsync(analyst, actor, new OpenCampaign.Command(
                k85.Id, Today.Year - 1, K85Period, due, ReviewDate: Today.AddDays(5), Kinds: ["preschool"]), ct);
            // A school with pre-school groups reports 85-К too: the demo director's school, added by the analyst.
            var school = await UnitAsync("100001", ct);
            await new OpenCampaign(db).AddRespondentAsync(analyst, actor, campaign.CampaignId, school,
                "В школе есть дошкольные группы: форма 85-К обязательна", ct);
            opened++;
            reports += await FillAsync(actor, analyst, campaign.CampaignId, due, K85Plans, K85Values, ct);
        }
        return new Result(opened, reports);
    }

    /// <summary>The three hand-written municipalities of the demo region (db/seed/0001); the others are the generated large part.</summary>
    private static readonly string[] SmallMunicipalities = ["M-SEV", "M-ZAR", "M-OZR"];

    private sealed record Respondent(long Id, string Code, string Name, string MunicipalityCode, long MunicipalityId, int MunicipalityIndex, int Index);

    /// <summary>
    /// ОО-1: in ГО Северный the demo director's school is a draft being filled in and Гимназия № 2 waits for
    /// the operator; the small municipalities show a municipal acceptance, a return with a comment and a draft
    /// with a control error; each large municipality has early senders in every later status; the rest has not started.
    /// </summary>
    private static Plan Oo1Plans(Respondent r) => r.Code switch
    {
        "100001" => Plan.PartialDraft,
        "100002" => Plan.Submitted,
        "200001" => Plan.AcceptedByMunicipality,
        "300001" => Plan.ReturnedByMunicipality,
        "300002" => Plan.BrokenDraft,
        _ when SmallMunicipalities.Contains(r.MunicipalityCode) => Plan.NotStarted,
        _ => (r.MunicipalityIndex, r.Index) switch
        {
            (_, 0) => Plan.AcceptedByRegion,
            (_, 1) => Plan.AcceptedByMunicipality,
            (_, 2) => Plan.Submitted,
            (var m, 3) => m % 2 == 0 ? Plan.PartialDraft : Plan.BrokenDraft,
            (0, 4) => Plan.ReturnedByRegion,
            (1, 4) => Plan.ReopenedAsVersion2,
            (< 5, 5) => Plan.AcceptedByRegion,
            _ => Plan.NotStarted,
        },
    };

    /// <summary>
    /// 85-К (past due): the demo director's school was returned by the operator and may resubmit; the
    /// kindergarten of ГО Северный was accepted by the region and reopened as version 2; the large
    /// municipalities show every other status, one overdue draft with an extension and overdue ones without.
    /// </summary>
    private static Plan K85Plans(Respondent r) => r.Code switch
    {
        "100001" => Plan.ReturnedByMunicipality,
        "100003" => Plan.ReopenedAsVersion2,
        _ when SmallMunicipalities.Contains(r.MunicipalityCode) => Plan.NotStarted,
        _ => (r.MunicipalityIndex, r.Index) switch
        {
            (_, 0) => Plan.AcceptedByRegion,
            (_, 1) => Plan.AcceptedByMunicipality,
            (_, 2) => Plan.Submitted,
            (0, 3) => Plan.OverdueWithExtension,
            (1, 3) => Plan.ReturnedByRegion,
            (2, 3) => Plan.BrokenDraft,
            (_, 3) => Plan.PartialDraft,
            _ => Plan.NotStarted,
        },
    };

    private static (List<CellValue> Clean, List<CellValue> Partial, List<CellValue> Broken, CellValue[] Correction) Oo1Values(Respondent r)
    {
        var seed = DemoReportValues.Seed(r.Code);
        var clean = DemoReportValues.Oo1(seed, DemoReportValues.TypeOf(r.Name, seed));
        var externs = clean.FirstOrDefault(c => c is { Section: "2.4", Row: "06", Column: "4" })?.Value ?? "0";
        var corrected = (int.Parse(externs, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // The correction after acceptance: one more external student passed the state exams (row 06 is outside control 8).
        return (clean, DemoReportValues.Partial(clean, "1.2", "2.1.1"), DemoReportValues.WithTypo(clean, "2.1.1", "01"),
            [new("2.4", "06", "3", corrected), new("2.4", "06", "4", corrected)]);
    }

    private static (List<CellValue> Clean, List<CellValue> Partial, List<CellValue> Broken, CellValue[] Correction) K85Values(Respondent r)
    {
        var clean = DemoReportValues.K85(DemoReportValues.Seed(r.Code));
        var children = int.Parse(clean.First(c => c is { Section: "1", Row: "106" }).Value!, System.Globalization.CultureInfo.InvariantCulture);
        // The correction after acceptance: the number of children in groups, recounted (control 10 only asks for > 0).
        return (clean, DemoReportValues.Partial(clean, "1", "3"), DemoReportValues.WithTypo(clean, "1", "101"),
            [new("1", "106", "3", (children + 2).ToString(System.Globalization.CultureInfo.InvariantCulture))]);
    }

    private static readonly IReadOnlyDictionary<string, string> ResponsiblePerson = new Dictionary<string, string>
    {
        ["responsible_post"] = "заместитель директора",
        ["responsible_fio"] = "Кузнецова Анна Павловна",
        ["phone"] = "+7 (4012) 55-01-01",
    };

    private async Task<int> FillAsync(Actor actor, AccessScope analyst, long campaignId, DateOnly due,
        Func<Respondent, Plan> plans, Func<Respondent, (List<CellValue> Clean, List<CellValue> Partial, List<CellValue> Broken, CellValue[] Correction)> values,
        CancellationToken ct)
    {
        // Sending happens before the due date: for a past campaign with a clock standing three days before it.
        TimeProvider sendClock = due >= Today ? clock : new DayClock(due.AddDays(-3));
        var start = new StartReport(db);
        var save = new SaveValues(db, InRegion(sendClock));
        var send = new ReportReview(db, InRegion(sendClock), new ReviewOptions());
        var review = new ReportReview(db, InRegion(clock), new ReviewOptions());
        var read = new ReportValues(db);
        var resubmitUntil = review.DefaultResubmitUntil;
        var municipalOperators = new Dictionary<long, AccessScope>();
        var written = 0;

        foreach (var r in await RespondentsAsync(campaignId, ct))
        {
            var plan = plans(r);
            if (plan == Plan.NotStarted) continue;
            var school = await SchoolScopeAsync(r, ct);
            var op = municipalOperators.TryGetValue(r.MunicipalityId, out var o) ? o
                : municipalOperators[r.MunicipalityId] = await OperatorScopeAsync(r, ct);
            var (clean, partial, broken, correction) = values(r);

            var id = await start.StartAsync(school, actor, campaignId, r.Id, ct)
                ?? throw new InvalidOperationException($"demo: cannot start the report of {r.Code}");
            written++;
            var started = await read.GetAsync(school, id, ct) ?? throw new InvalidOperationException($"demo: report {id} is not visible to its school");
            var title = new Dictionary<string, string>(ResponsiblePerson) { ["email"] = $"oo{r.Code}@demo-edu.example" };
            // The registry has no director's name for some demo organisations: the respondent types one, as the form asks.
            if (!started.Title.TryGetValue("leader_fio", out var leader) || string.IsNullOrWhiteSpace(leader))
                title["leader_fio"] = "Сидорова Валентина Ивановна";
            var cells = plan switch { Plan.PartialDraft or Plan.OverdueWithExtension => partial, Plan.BrokenDraft => broken, _ => clean };
            Expect(await save.SaveAsync(school, actor, new SaveValues.Command(id, started.Head.RowVersion, cells, title), ct), r, "save");
            if (plan == Plan.OverdueWithExtension)
            {
                Expect(await review.GrantExtensionAsync(analyst, actor, id, Today.AddDays(5),
                    "Заведующая на больничном; продлено по письму управления образования", ct), r, "extension");
                continue;
            }
            if (plan is Plan.PartialDraft or Plan.BrokenDraft) continue;

            Expect(await send.SubmitAsync(school, actor, id, ct: ct), r, "submit");
            switch (plan)
            {
                case Plan.ReturnedByMunicipality:
                    Expect(await review.ReturnByMunicipalityAsync(op, actor, id, ReturnComment(r), resubmitUntil, ct: ct), r, "return");
                    continue;
                case Plan.ReturnedByRegion:
                    Expect(await review.AcceptByMunicipalityAsync(op, actor, id, ct: ct), r, "municipal acceptance");
                    Expect(await review.ReturnByRegionAsync(analyst, actor, id,
                        "Численность по возрастам расходится с данными прошлого года более чем на 20 %: подтвердите или исправьте.", resubmitUntil, ct: ct), r, "regional return");
                    continue;
                case Plan.Submitted:
                    continue;
            }
            Expect(await review.AcceptByMunicipalityAsync(op, actor, id, ct: ct), r, "municipal acceptance");
            if (plan == Plan.AcceptedByMunicipality) continue;
            Expect(await review.AcceptByRegionAsync(analyst, actor, id, ct: ct), r, "regional acceptance");
            if (plan == Plan.AcceptedByRegion) continue;

            var reopened = await review.ReopenAsNewVersionAsync(analyst, actor, id, "Уточнение после приёмки: исправьте данные по письму школы", ct);
            Expect(reopened, r, "reopen");
            var v2 = reopened.NewReportId!.Value;
            // The correction is typed within the reopening's resubmission date, i.e. today.
            var fix = new SaveValues(db, InRegion(clock));
            Expect(await fix.SaveAsync(school, actor, new SaveValues.Command(v2, await RowVersionAsync(read, school, v2, ct), correction), ct), r, "correction");
        }
        return written;
    }

    private static string ReturnComment(Respondent r) => r.Code == "100001"
        ? "Раздел 7: число воспитанников 3 лет не совпадает с данными электронной очереди. Уточните и отправьте снова."
        : "Численность обучающихся 10–11 классов заметно меньше прошлогодней: проверьте подраздел 2.1.1.";

    private static async Task<int> RowVersionAsync(ReportValues read, AccessScope scope, long id, CancellationToken ct) =>
        (await read.GetAsync(scope, id, ct))?.Head.RowVersion ?? throw new InvalidOperationException($"demo: report {id} is not visible to {scope.UserName}");

    private static void Expect(SaveValues.Result result, Respondent r, string step)
    {
        if (!result.Ok)
            throw new InvalidOperationException($"demo: {step} of {r.Code} failed: {result.Message} {string.Join("; ", (result.Errors ?? []).Select(e => $"{e.Cell}: {e.Message}"))}");
    }

    private static void Expect(ReportReview.Result result, Respondent r, string step)
    {
        if (!result.Ok)
            throw new InvalidOperationException($"demo: {step} of {r.Code} failed: {result.Outcome} {result.Message} "
                + string.Join("; ", result.Check?.Errors.Select(e => e.Message) ?? []));
    }

    private async Task<bool> HasCampaignAsync(long templateVersionId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM ekis.campaign WHERE template_version_id = @templateVersionId)", new { templateVersionId }, cancellationToken: ct));
    }

    private async Task<long> UnitAsync(string code, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT id FROM ekis.org_unit WHERE ekis_code = @code", new { code }, cancellationToken: ct))
            ?? throw new InvalidOperationException($"demo: unit {code} is missing; load the demo region first (SeedDemo)");
    }

    /// <summary>
    /// The expected respondents in a stable order, numbered within their municipality; municipalities are numbered
    /// from 0 with the large generated ones first (ordered by code), so the plans' indexes refer to those.
    /// </summary>
    private async Task<IReadOnlyList<Respondent>> RespondentsAsync(long campaignId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Respondent>(new CommandDefinition("""
            SELECT u.id, u.ekis_code AS Code, coalesce(u.short_name, u.name) AS Name, m.ekis_code AS MunicipalityCode, m.id AS MunicipalityId,
                   (dense_rank() OVER (ORDER BY m.ekis_code = ANY(@small), m.ekis_code) - 1)::int AS MunicipalityIndex,
                   (row_number() OVER (PARTITION BY m.id ORDER BY u.ekis_code) - 1)::int AS Index
            FROM ekis.campaign_respondent cr
            JOIN ekis.org_unit u ON u.id = cr.org_unit_id
            JOIN ekis.unit_municipality um ON um.id = u.id
            JOIN ekis.org_unit m ON m.id = um.municipality_id
            WHERE cr.campaign_id = @campaignId AND cr.dropped_at IS NULL
            ORDER BY m.ekis_code, u.ekis_code
            """, new { campaignId, small = SmallMunicipalities }, cancellationToken: ct))).ToList();
    }

    /// <summary>A demo account's scope (its active role assignment).</summary>
    private async Task<AccessScope> DemoScopeAsync(string login, CancellationToken ct) =>
        await ScopeOfAsync(login, null, ct) ?? throw new InvalidOperationException($"demo: the account «{login}» is missing; load the demo region first (SeedDemo)");

    private async Task<AccessScope?> ScopeOfAsync(string? login, (string Role, long Unit)? assignment, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QueryFirstOrDefaultAsync<(long UserId, string Name, long AssignmentId, string Role, long? Unit, string? UnitName)?>(new CommandDefinition("""
            SELECT u.id, u.full_name, a.id, a.role, a.org_unit_id, coalesce(o.short_name, o.name)
            FROM ekis.app_user u
            JOIN ekis.role_assignment a ON a.user_id = u.id AND a.status = 'active'
            LEFT JOIN ekis.org_unit o ON o.id = a.org_unit_id
            WHERE (@login::text IS NULL OR u.login = @login) AND (@role::text IS NULL OR (a.role = @role AND a.org_unit_id = @unit))
              AND u.status = 'active'
            ORDER BY u.id LIMIT 1
            """, new { login, role = assignment?.Role, unit = assignment?.Unit }, cancellationToken: ct));
        return row is { } x ? new AccessScope(x.UserId, x.Name, x.AssignmentId, x.Role, x.Unit, x.UnitName) : null;
    }

    /// <summary>
    /// The director's scope of the respondent: the demo account where there is one (director, director7),
    /// else the role's scope on the unit without an account — the demo region has no director for every school.
    /// </summary>
    private async Task<AccessScope> SchoolScopeAsync(Respondent r, CancellationToken ct) =>
        await ScopeOfAsync(null, (Roles.Director, r.Id), ct) ?? new AccessScope(0, "руководитель " + r.Name, 0, Roles.Director, r.Id, r.Name);

    private async Task<AccessScope> OperatorScopeAsync(Respondent r, CancellationToken ct) =>
        await ScopeOfAsync(null, (Roles.MunicipalOperator, r.MunicipalityId), ct)
        ?? new AccessScope(0, "оператор " + r.MunicipalityCode, 0, Roles.MunicipalOperator, r.MunicipalityId, r.MunicipalityCode);

    /// <summary>The slices read "today" in the region's zone (the default one: the demo is the same everywhere).</summary>
    private static RegionClock InRegion(TimeProvider time) => new(time, new RegionOptions());

    /// <summary>A clock standing on one day (09:00 UTC), for what the demo does "before the due date".</summary>
    private sealed class DayClock(DateOnly day) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
