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
        var input = await ReportValues.LoadForCheckAsync(conn, null, scope, reportId, forUpdate: false, ct);
        if (input is null) return null;
        var result = ReportChecker.Check(input.Values.Template, input.Values.Model, input.Previous);
        return new Checked(result, input.Explanations);
    }
}
