using System.Text.Json;
using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Features.Lifecycle;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Features.Reports;

/// <summary>
/// A respondent's report in a campaign: created on first opening, with the title block prefilled
/// from the registry (ОКПО, name, director) and the responsible person's fields remembered from the
/// respondent's latest earlier report.
/// </summary>
public sealed class StartReport(NpgsqlDataSource db)
{
    /// <summary>The report id, or null when the campaign is not open, the unit is not an expected respondent or is outside the scope, or (for a report not yet started) the person has no right to fill it in.</summary>
    public async Task<long?> StartAsync(AccessScope scope, Actor actor, long campaignId, long orgUnitId, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var c = tx.Connection;
        var unit = await c.QuerySingleOrDefaultAsync<(string? Okpo, string Name, string? Director, long TemplateVersionId, DateTime LoadedAt)?>(new CommandDefinition("""
            SELECT u.okpo, u.name, u.director, k.template_version_id, t.loaded_at
            FROM ekis.campaign_respondent cr
            JOIN ekis.campaign k ON k.id = cr.campaign_id AND k.status = 'open'
            JOIN ekis.template_version t ON t.id = k.template_version_id
            JOIN ekis.org_unit u ON u.id = cr.org_unit_id
            WHERE cr.campaign_id = @campaignId AND cr.org_unit_id = @orgUnitId AND cr.dropped_at IS NULL
              AND ekis.covers_on(@role, @unit, cr.org_unit_id, k.as_of)
            """, new { role = scope.Role, unit = scope.OrgUnitId, campaignId, orgUnitId }, tx.Transaction, cancellationToken: ct));
        if (unit is not { } u) return null;
        var existing = await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM ekis.report_newest WHERE campaign_id = @campaignId AND org_unit_id = @orgUnitId",
            new { campaignId, orgUnitId }, tx.Transaction, cancellationToken: ct));
        if (existing is { } id) return id;
        // Opening an existing report needs only the scope; creating one is filling it in.
        if (!await ReportAccess.HasRightAsync(c, tx.Transaction, scope, Rights.Fill, ct)) return null;

        var remembered = await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT title::text FROM ekis.report WHERE org_unit_id = @orgUnitId ORDER BY updated_at DESC LIMIT 1",
            new { orgUnitId }, tx.Transaction, cancellationToken: ct));
        // Only what the school typed is remembered, and only the fields this form has.
        var fields = TitleFields.Of(await TemplateCache.GetAsync(c, u.TemplateVersionId, u.LoadedAt, tx.Transaction, ct), new(u.Okpo, u.Name, u.Director));
        Dictionary<string, string> title = remembered is null ? [] : TitleFields.Known(fields.Where(f => f.Editable).ToList(), remembered);
        title["okpo"] = u.Okpo ?? "";
        title["name"] = u.Name;
        if (!string.IsNullOrWhiteSpace(u.Director)) title["leader_fio"] = u.Director;

        // Two first openings at once: the second waits for the first's row and returns it; only the one
        // that inserted records the start (xmax = 0 marks a row this statement inserted, not updated).
        var (newId, inserted) = await c.QuerySingleAsync<(long, bool)>(new CommandDefinition("""
            INSERT INTO ekis.report (campaign_id, org_unit_id, title) VALUES (@campaignId, @orgUnitId, @title::jsonb)
            ON CONFLICT (campaign_id, org_unit_id, version) DO UPDATE SET campaign_id = EXCLUDED.campaign_id
            RETURNING id, xmax = 0
            """, new { campaignId, orgUnitId, title = JsonSerializer.Serialize(title) }, tx.Transaction, cancellationToken: ct));
        if (inserted)
            await ReportTransitions.WriteAsync(c, tx.Transaction, TransitionKind.Start, newId, null, ReportStatus.Draft, null, ct: ct);
        id = newId;
        await tx.CommitAsync(ct);
        return id;
    }
}
