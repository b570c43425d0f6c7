using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Templates.Checking;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>«Проверить»: the template's format checks and controls over the stored values (the engine's report model built from them).</summary>
public sealed class CheckReport(NpgsqlDataSource db)
{
    /// <summary>The check and the explanations already given to warnings (by control id).</summary>
    public sealed record Checked(CheckResult Result, IReadOnlyDictionary<string, string> Explanations);

    public async Task<CheckResult?> CheckAsync(AccessScope scope, long reportId, CancellationToken ct = default) =>
        (await CheckWithExplanationsAsync(scope, reportId, ct))?.Result;

    public async Task<Checked?> CheckWithExplanationsAsync(AccessScope scope, long reportId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var head = await ReportAccess.GetAsync(conn, null, scope, reportId, forUpdate: false, ct);
        if (head is null) return null;
        var r = await ReportValues.LoadAsync(conn, null, head, ct);
        var result = ReportChecker.Check(r.Template, r.Model, await ReportValues.PreviousAsync(conn, null, head, ct));
        return new Checked(result, await ReportNotes.ExplanationsAsync(conn, null, head.Id, ct));
    }
}
