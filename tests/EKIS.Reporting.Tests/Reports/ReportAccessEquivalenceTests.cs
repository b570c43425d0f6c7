using Dapper;
using EKIS.Reporting.Features.Demo;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Features.Reports;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Reports;

/// <summary>
/// Issue 6 "Benchmarks" (deadline rush): the report head of a director or an employee spells out
/// <c>ekis.covers_on</c> instead of calling it (<see cref="ReportAccess.CoversForSchool"/>). The two must
/// answer the same for every pair of units and every date, on a tree that moves, merges, opens, closes
/// and deletes units, with changes entered out of date order.
/// </summary>
public sealed class ReportAccessEquivalenceTests : DatabaseTest
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.Today);

    private sealed record Answer(string Role, long Unit, long Target, DateTime On, bool Slow, bool Fast);

    [Test]
    public async Task The_school_scope_condition_answers_as_covers_on_for_every_unit_pair_and_date()
    {
        await new SeedDemo(Db).RunAsync(Actor.Cli);
        var registry = new ReorganiseOrganisation(Db);
        Assert.That((await registry.MoveAsync("100001", "M-OZR", Today.AddDays(1), Actor.Cli)).Problem, Is.Null);
        Assert.That((await registry.MergeAsync("200001", "200002", Today.AddDays(2), Actor.Cli)).Problem, Is.Null);
        // A new organisation with a branch, both opened later; a branch that is deleted; a branch moved
        // back-dated and then renamed with an even earlier date (history rows out of date order).
        await ChangeAsync(null, """
            INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name, opened_on)
            SELECT id, 'organisation', 'T-NEW', 'Новая школа', 'Новая школа', current_date + 3 FROM ekis.org_unit WHERE ekis_code = 'M-SEV';
            INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name, opened_on)
            SELECT id, 'branch', 'T-NEW-01', 'Филиал новой школы', 'Филиал новой школы', current_date + 3 FROM ekis.org_unit WHERE ekis_code = 'T-NEW';
            INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name)
            SELECT id, 'branch', 'T-NEW-02', 'Филиал старше своей школы', 'Филиал старше своей школы' FROM ekis.org_unit WHERE ekis_code = 'T-NEW';
            INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name)
            SELECT id, 'branch', 'T-DEL-01', 'Удаляемый филиал', 'Удаляемый филиал' FROM ekis.org_unit WHERE ekis_code = '100001';
            INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name)
            SELECT id, 'branch', 'T-MOV-01', 'Переводимый филиал', 'Переводимый филиал' FROM ekis.org_unit WHERE ekis_code = '100001';
            """);
        await ChangeAsync(Today.AddDays(5), "DELETE FROM ekis.org_unit WHERE ekis_code = 'T-DEL-01'");
        await ChangeAsync(Today.AddDays(-30), "UPDATE ekis.org_unit SET parent_id = (SELECT id FROM ekis.org_unit WHERE ekis_code = '200002') WHERE ekis_code = 'T-MOV-01'");
        await ChangeAsync(Today.AddDays(-60), "UPDATE ekis.org_unit SET name = 'Переведённый филиал' WHERE ekis_code = 'T-MOV-01'");

        // Every organisation and branch of the small demo and of this test, and two municipalities (the larger
        // demo's 41…50 only repeat the shape); each date before, between and after the changes. Employees
        // follow the same rules as directors in both forms.
        var answers = await QueryAsync($"""
            WITH units AS (
                SELECT DISTINCT h.org_unit_id AS id FROM ekis.org_unit_history h
                WHERE coalesce(h.new_row, h.old_row) ->> 'ekis_code' ~ '^([123]0000[0-9](-01)?|T-.*|M-SEV|M-OZR)$'),
            dates (d) AS (SELECT current_date + k FROM unnest(ARRAY[-400, -45, -30, 0, 1, 2, 3, 5]) AS k)
            SELECT 'director' AS Role, a.id AS Unit, t.id AS Target, d.d::timestamp AS On,
                   ekis.covers_on('director', a.id, t.id, d.d) AS Slow,
                   {ReportAccess.CoversForSchool("t.id", "a.id", "d.d")} AS Fast
            FROM units a, units t, dates d
            """);

        var unit = await CodesAsync();
        var differing = answers.Where(a => a.Slow != a.Fast)
            .Select(a => $"{a.Role} of {unit[a.Unit]} → {unit[a.Target]} on {a.On:yyyy-MM-dd}: covers_on {a.Slow}, spelled out {a.Fast}").ToList();
        bool Fast(string of, string target, int day) =>
            answers.Single(a => a.Role == "director" && unit[a.Unit] == of && unit[a.Target] == target && a.On == Today.AddDays(day).ToDateTime(TimeOnly.MinValue)).Fast;
        await Assert.MultipleAsync(() =>
        {
            Assert.That(differing, Is.Empty);
            Assert.That(answers.Select(a => a.Target).Distinct().Count(), Is.GreaterThanOrEqualTo(15), "a tree worth comparing");
            // The cases the data was made for, so that the comparison is not between two empty answers.
            Assert.That(Fast("200001", "200001-01", 0), Is.True, "a branch of the organisation");
            Assert.That(Fast("200001", "200001-01", 2), Is.False, "the branch went to the survivor of the merge");
            Assert.That(Fast("200002", "200001-01", 2), Is.True);
            Assert.That(Fast("200002", "200001-01", 0), Is.False);
            Assert.That(Fast("200001-01", "200001", 0), Is.False, "a role on a branch does not reach the parent");
            Assert.That(Fast("T-NEW", "T-NEW-01", 2), Is.True, "not opened yet on that date: judged by today's tree (migration 0013)");
            Assert.That(Fast("T-NEW", "T-NEW-01", 3), Is.True);
            Assert.That(Fast("T-NEW", "T-NEW-02", 0), Is.False, "a branch whose organisation did not exist yet");
            Assert.That(Fast("T-NEW", "T-NEW-02", 3), Is.True);
            Assert.That(Fast("100001", "T-DEL-01", 3), Is.True);
            Assert.That(Fast("100001", "T-DEL-01", 5), Is.False, "deleted");
            Assert.That(Fast("100001", "T-MOV-01", -400), Is.True, "before every back-dated change");
            Assert.That(Fast("200002", "T-MOV-01", -30), Is.True, "from the back-dated move");
            Assert.That(Fast("200002", "T-MOV-01", -45), Is.False, "a rename dated earlier does not move the branch earlier (the parent comes from the row that set it, 0013)");
            Assert.That(Fast("100001", "T-MOV-01", -45), Is.True);
            Assert.That(Fast("100001", "100001", 1), Is.True, "a moved school stays its director's");
            return Task.CompletedTask;
        });
    }

    private static async Task ChangeAsync(DateOnly? effectiveOn, string sql)
    {
        await using var tx = await Db.BeginAsAsync(Actor.Cli);
        if (effectiveOn is { } on)
            await tx.Connection.ExecuteAsync("SELECT set_config('ekis.effective_on', @on, true)",
                new { on = on.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, tx.Transaction);
        await tx.Connection.ExecuteAsync(sql, transaction: tx.Transaction);
        await tx.CommitAsync();
    }

    private static async Task<List<Answer>> QueryAsync(string sql)
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<Answer>(sql)).ToList();
    }

    private static async Task<Dictionary<long, string>> CodesAsync()
    {
        await using var conn = await Db.OpenConnectionAsync();
        return (await conn.QueryAsync<(long Id, string Code)>("""
            SELECT DISTINCT ON (org_unit_id) org_unit_id, coalesce(new_row, old_row) ->> 'ekis_code' FROM ekis.org_unit_history ORDER BY org_unit_id, id DESC
            """)).ToDictionary(x => x.Id, x => x.Code);
    }
}
