using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Templates.Checking;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>«Проверить»: the template's format checks and controls over the stored values (the engine's report model built from them).</summary>
public sealed class CheckReport(NpgsqlDataSource db)
{
    public async Task<CheckResult?> CheckAsync(AccessScope scope, long reportId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var head = await ReportAccess.GetAsync(conn, null, scope, reportId, forUpdate: false, ct);
        if (head is null) return null;
        var r = await ReportValues.LoadAsync(conn, null, head, ct);
        return ReportChecker.Check(r.Template, r.Model, await ReportValues.PreviousAsync(conn, null, head, ct));
    }
}
