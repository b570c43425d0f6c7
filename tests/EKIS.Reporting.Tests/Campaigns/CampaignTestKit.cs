using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Time;
using EKIS.Reporting.Tests.Support;
using EKIS.Reporting.Tests.Templates;

namespace EKIS.Reporting.Tests.Campaigns;

/// <summary>A clock standing on one day (Moscow noon), so deadlines are tested without waiting.</summary>
public sealed class FixedClock(DateOnly today) : TimeProvider
{
    public DateOnly Today { get; set; } = today;
    public override DateTimeOffset GetUtcNow() => new(Today.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>The slices read this clock in the region's (default) zone: 09:00 UTC is the same day in Moscow.</summary>
    public static implicit operator RegionClock(FixedClock clock) => new(clock, new RegionOptions());
}

/// <summary>
/// The demo region with the monthly contingent form loaded and an October 2026 campaign open for
/// every general-education organisation; one test account per role, acting through the slices.
/// </summary>
public abstract class CampaignTest : DatabaseTest
{
    protected override bool StartsFromDemo => true;

    protected static readonly DateOnly Today = new(2026, 10, 5);
    protected static readonly DateOnly Due = new(2026, 10, 10);

    protected FixedClock Clock { get; private set; } = null!;
    protected long TemplateId { get; private set; }
    protected long CampaignId { get; private set; }
    protected long School1 { get; private set; }
    protected long Gymnasium2 { get; private set; }
    protected long Lyceum7 { get; private set; }
    protected AccessScope Analyst { get; private set; } = null!;
    protected AccessScope Operator { get; private set; } = null!;
    protected AccessScope OtherOperator { get; private set; } = null!;
    protected AccessScope Director { get; private set; } = null!;
    protected AccessScope Director7 { get; private set; } = null!;
    protected AccessScope FillOnly { get; private set; } = null!;
    protected AccessScope Submitter { get; private set; } = null!;

    protected TemplateVersions Templates => new(Db);
    protected OpenCampaign Open => new(Db);
    protected CampaignList Campaigns => new(Db);
    protected StartReport Start => new(Db);
    protected ReportValues Values => new(Db);
    protected SaveValues Save => new(Db, Clock);
    protected CheckReport Check => new(Db);
    protected ReportReview Review => new(Db, Clock, new ReviewOptions());

    protected static Actor As(AccessScope s) => Actor.User(s.UserId, s.UserName);

    [SetUp]
    public async Task CampaignSetUpAsync()
    {
        Clock = new FixedClock(Today);
        School1 = await TestAccounts.UnitIdAsync(Db, "100001");
        Gymnasium2 = await TestAccounts.UnitIdAsync(Db, "100002");
        Lyceum7 = await TestAccounts.UnitIdAsync(Db, "300001");
        Analyst = await ScopeAsync("t-analyst", Roles.RegionalAnalyst, "R-DEMO");
        Operator = await ScopeAsync("t-operator", Roles.MunicipalOperator, "M-SEV");
        OtherOperator = await ScopeAsync("t-operator-ozr", Roles.MunicipalOperator, "M-OZR");
        Director = await ScopeAsync("t-director", Roles.Director, "100001");
        Director7 = await ScopeAsync("t-director7", Roles.Director, "300001");
        FillOnly = await ScopeAsync("t-filler", Roles.Employee, "100001", Rights.Fill);
        Submitter = await ScopeAsync("t-submitter", Roles.Employee, "100001", Rights.Fill, Rights.Submit);

        var path = TemplateTestKit.RepoPath("templates", "forms", "dept-contingent-monthly.xml");
        TemplateId = (await Templates.LoadAsync(Actor.Cli, "dept-contingent-monthly.xml", await File.ReadAllTextAsync(path))).Id;
        CampaignId = (await Open.OpenAsync(Analyst, As(Analyst), new OpenCampaign.Command(TemplateId, 2026, "1210", Due, Kinds: ["general"]))).CampaignId;
    }

    protected static async Task<AccessScope> ScopeAsync(string login, string role, string unitCode, params string[] rights)
    {
        var unit = await TestAccounts.UnitIdAsync(Db, unitCode);
        var a = await TestAccounts.CreateAsync(Db, login, role, unit, null, rights);
        return new AccessScope(a.UserId, login, a.AssignmentId, role, unit, null);
    }

    protected static readonly IReadOnlyDictionary<string, string> FullTitle = new Dictionary<string, string>
    {
        ["leader_fio"] = "Иванова Ольга Сергеевна", ["responsible_post"] = "заместитель директора",
        ["responsible_fio"] = "Петров Пётр Петрович", ["phone"] = "+7 900 000-00-00", ["email"] = "school1@example.org",
    };

    /// <summary>A report that passes every control: 60 pupils in 3 classes, 25 + 35 by grade.</summary>
    protected static List<CellValue> CleanCells(string grade2Pupils = "35") =>
    [
        new("1", "01", "3", "60"), new("1", "02", "3", "0"), new("1", "03", "3", "0"), new("1", "04", "3", "25"),
        new("1", "05", "3", "3"), new("1", "06", "3", "20,0"),
        new("2", "01", "3", "1", S1: "1"), new("2", "01", "4", "25", S1: "1"),
        new("2", "01", "3", "2", S1: "2"), new("2", "01", "4", grade2Pupils, S1: "2"),
    ];

    protected async Task<long> StartSchool1Async() => (await Start.StartAsync(Director, As(Director), CampaignId, School1))!.Value;

    protected async Task<SaveValues.Result> SaveAsync(AccessScope who, long reportId, IReadOnlyList<CellValue> cells, IReadOnlyDictionary<string, string>? title = null)
    {
        var current = (await Values.GetAsync(who, reportId))?.Head.RowVersion ?? 0;
        return await Save.SaveAsync(who, As(who), new SaveValues.Command(reportId, current, cells, title));
    }

    /// <summary>School № 1's report filled cleanly and submitted by its director.</summary>
    protected async Task<long> SubmittedReportAsync()
    {
        var id = await StartSchool1Async();
        Assert.That((await SaveAsync(Director, id, CleanCells(), FullTitle)).Ok, Is.True);
        var submit = await Review.SubmitAsync(Director, As(Director), id);
        Assert.That(submit.Ok, Is.True, submit.Message);
        return id;
    }
}
