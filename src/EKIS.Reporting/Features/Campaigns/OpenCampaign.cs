using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Outbox;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Features.Campaigns;

/// <summary>
/// An analyst opens a campaign: template version × year and period × due dates × target respondents.
/// The expected respondents (active organisations and branches of the chosen kinds, municipalities and
/// groups, inside the analyst's scope) are fixed now — they are the completeness denominator; later
/// changes go through <see cref="AddRespondentAsync"/> / <see cref="DropRespondentAsync"/> with a reason.
/// </summary>
public sealed class OpenCampaign(NpgsqlDataSource db)
{
    public sealed record Command(long TemplateVersionId, int Year, string Period, DateOnly DueDate,
        DateOnly? ReferenceDate = null, DateOnly? ReviewDate = null,
        IReadOnlyList<string>? Kinds = null, IReadOnlyList<long>? MunicipalityIds = null, IReadOnlyList<long>? GroupIds = null);

    public sealed record Result(long CampaignId, int Respondents);

    public async Task<Result> OpenAsync(AccessScope scope, Actor actor, Command cmd, CancellationToken ct = default)
    {
        if (!scope.IsRegional)
            throw new UnauthorizedAccessException("Открывать кампании может только аналитик департамента.");
        if (cmd.ReviewDate is { } review && review < cmd.DueDate)
            throw new ArgumentException("Срок проверки муниципалитетом не может быть раньше срока сдачи.");
        await using var tx = await db.BeginAsAsync(actor, ct);
        var id = await tx.Connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO ekis.campaign (template_version_id, year, period, reference_date, due_date, review_date, status, opened_at, opened_by)
            VALUES (@TemplateVersionId, @Year, @Period, @referenceDate::date, @dueDate::date, @reviewDate::date, 'open', now(), ekis.current_actor())
            RETURNING id
            """, new
            {
                cmd.TemplateVersionId, cmd.Year, cmd.Period, referenceDate = Dates.Param(cmd.ReferenceDate),
                dueDate = Dates.Param(cmd.DueDate), reviewDate = Dates.Param(cmd.ReviewDate),
            }, tx.Transaction, cancellationToken: ct));
        var count = await tx.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO ekis.campaign_respondent (campaign_id, org_unit_id)
            SELECT @id, u.id
            FROM ekis.org_unit u
            JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            WHERE u.level IN ('organisation', 'branch') AND u.status = 'active'
              AND (@kinds::text[] IS NULL OR u.kind = ANY(@kinds))
              AND (@municipalities::bigint[] IS NULL OR EXISTS (
                    SELECT 1 FROM ekis.org_unit m
                    WHERE m.id = ANY(@municipalities) AND (u.parent_id = m.id
                       OR u.parent_id IN (SELECT o.id FROM ekis.org_unit o WHERE o.parent_id = m.id))))
              AND (@groups::bigint[] IS NULL OR EXISTS (
                    SELECT 1 FROM ekis.org_group_member g WHERE g.group_id = ANY(@groups)
                      AND g.org_unit_id IN (u.id, u.parent_id)))
            """, new
            {
                id, role = scope.Role, unit = scope.OrgUnitId,
                kinds = cmd.Kinds?.ToArray(), municipalities = cmd.MunicipalityIds?.ToArray(), groups = cmd.GroupIds?.ToArray(),
            }, tx.Transaction, cancellationToken: ct));
        await Outbox.Outbox.AppendAsync(tx.Connection, tx.Transaction, DomainEvents.CampaignOpened, campaignId: id, payload: new { respondents = count }, ct: ct);
        await tx.CommitAsync(ct);
        return new Result(id, count);
    }

    /// <summary>Adds an expected respondent after opening (or brings back a dropped one); false when the unit is outside the scope or not a respondent level.</summary>
    public async Task<bool> AddRespondentAsync(AccessScope scope, Actor actor, long campaignId, long orgUnitId, string reason, CancellationToken ct = default)
    {
        if (!scope.IsRegional || string.IsNullOrWhiteSpace(reason)) return false;
        await using var tx = await db.BeginAsAsync(actor, ct);
        var n = await tx.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO ekis.campaign_respondent (campaign_id, org_unit_id, added_reason)
            SELECT c.id, u.id, @reason FROM ekis.campaign c, ekis.org_unit u
            JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            WHERE c.id = @campaignId AND u.id = @orgUnitId AND u.level IN ('organisation', 'branch')
            ON CONFLICT (campaign_id, org_unit_id) DO UPDATE
              SET dropped_at = NULL, dropped_by = NULL, dropped_reason = NULL,
                  added_at = now(), added_by = ekis.current_actor(), added_reason = EXCLUDED.added_reason
            """, new { campaignId, orgUnitId, reason, role = scope.Role, unit = scope.OrgUnitId }, tx.Transaction, cancellationToken: ct));
        if (n > 0)
            await Outbox.Outbox.AppendAsync(tx.Connection, tx.Transaction, DomainEvents.RespondentAdded, campaignId, orgUnitId: orgUnitId, payload: new { reason }, ct: ct);
        await tx.CommitAsync(ct);
        return n > 0;
    }

    public async Task<bool> DropRespondentAsync(AccessScope scope, Actor actor, long campaignId, long orgUnitId, string reason, CancellationToken ct = default)
    {
        if (!scope.IsRegional || string.IsNullOrWhiteSpace(reason)) return false;
        await using var tx = await db.BeginAsAsync(actor, ct);
        var n = await tx.Connection.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.campaign_respondent r SET dropped_at = now(), dropped_by = ekis.current_actor(), dropped_reason = @reason
            FROM ekis.units_in_scope(@role, @unit) s
            WHERE s.id = r.org_unit_id AND r.campaign_id = @campaignId AND r.org_unit_id = @orgUnitId AND r.dropped_at IS NULL
            """, new { campaignId, orgUnitId, reason, role = scope.Role, unit = scope.OrgUnitId }, tx.Transaction, cancellationToken: ct));
        if (n > 0)
            await Outbox.Outbox.AppendAsync(tx.Connection, tx.Transaction, DomainEvents.RespondentDropped, campaignId, orgUnitId: orgUnitId, payload: new { reason }, ct: ct);
        await tx.CommitAsync(ct);
        return n > 0;
    }
}

/// <summary>Dapper does not bind DateOnly parameters: dates travel as midnight DateTime and are cast to date in SQL.</summary>
public static class Dates
{
    public static DateTime? Param(DateOnly? d) => d?.ToDateTime(TimeOnly.MinValue);
}
