using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Features.Outbox;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Features.Campaigns;

/// <summary>
/// An analyst closes an open campaign (nobody can send any more, reviews go on), reopens a closed one,
/// or archives a closed one. Every change is an audit event with the reason; a change from a status
/// the campaign no longer has (someone else acted first) is refused.
/// </summary>
public sealed class CloseCampaign(NpgsqlDataSource db)
{
    public enum Outcome { Done, NotFound, Forbidden, WrongStatus, ReasonRequired }

    public sealed record Result(Outcome Outcome, string? Message = null)
    {
        public bool Ok => Outcome == Outcome.Done;
    }

    /// <summary>The moves allowed: from → to.</summary>
    public static readonly IReadOnlyList<(string From, string To)> Moves =
    [
        (CampaignStatus.Open, CampaignStatus.Closed),
        (CampaignStatus.Closed, CampaignStatus.Open),
        (CampaignStatus.Closed, CampaignStatus.Archived),
    ];

    public static string ActionTitle(string to) => to switch
    {
        CampaignStatus.Closed => "Закрыть кампанию",
        CampaignStatus.Open => "Открыть снова",
        CampaignStatus.Archived => "Перенести в архив",
        _ => to,
    };

    /// <summary>The outbox event announcing a move of <see cref="Moves"/>.</summary>
    public static string EventOf(string from, string to) => (from, to) switch
    {
        (CampaignStatus.Open, CampaignStatus.Closed) => DomainEvents.CampaignClosed,
        (CampaignStatus.Closed, CampaignStatus.Open) => DomainEvents.CampaignReopened,
        (CampaignStatus.Closed, CampaignStatus.Archived) => DomainEvents.CampaignArchived,
        _ => throw new ArgumentOutOfRangeException(nameof(to), $"{from} → {to} is not a campaign move."),
    };

    public static IEnumerable<string> NextStatuses(string from) => Moves.Where(m => m.From == from).Select(m => m.To);

    public Task<Result> CloseAsync(AccessScope scope, Actor actor, long campaignId, string reason, CancellationToken ct = default) =>
        MoveAsync(scope, actor, campaignId, CampaignStatus.Open, CampaignStatus.Closed, reason, ct);

    public Task<Result> ReopenAsync(AccessScope scope, Actor actor, long campaignId, string reason, CancellationToken ct = default) =>
        MoveAsync(scope, actor, campaignId, CampaignStatus.Closed, CampaignStatus.Open, reason, ct);

    public Task<Result> ArchiveAsync(AccessScope scope, Actor actor, long campaignId, string reason, CancellationToken ct = default) =>
        MoveAsync(scope, actor, campaignId, CampaignStatus.Closed, CampaignStatus.Archived, reason, ct);

    /// <summary>Moves the campaign from <paramref name="from"/> to <paramref name="to"/> if that is one of <see cref="Moves"/>.</summary>
    public async Task<Result> MoveAsync(AccessScope scope, Actor actor, long campaignId, string from, string to, string reason, CancellationToken ct = default)
    {
        if (!scope.IsRegional)
            return new Result(Outcome.Forbidden, "Менять статус кампании может только аналитик департамента.");
        if (!Moves.Contains((from, to)))
            return new Result(Outcome.WrongStatus, "Такой переход статуса кампании невозможен.");
        if (string.IsNullOrWhiteSpace(reason))
            return new Result(Outcome.ReasonRequired, "Укажите причину изменения статуса кампании.");
        await using var tx = await db.BeginAsAsync(actor, ct);
        var current = await tx.Connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT status FROM ekis.campaign WHERE id = @campaignId FOR UPDATE", new { campaignId }, tx.Transaction, cancellationToken: ct));
        if (current is null) return new Result(Outcome.NotFound, "Кампания не найдена.");
        if (current != from)
            return new Result(Outcome.WrongStatus, $"Кампания уже в статусе «{CampaignStatus.Title(current)}»: обновите страницу.");
        await tx.Connection.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.campaign SET status = @to WHERE id = @campaignId;
            INSERT INTO ekis.audit_event (action, entity, entity_id, details)
            VALUES ('campaign_status', 'campaign', @campaignId::text, jsonb_build_object('from', @from, 'to', @to, 'reason', @reason));
            """, new { campaignId, from, to, reason = reason.Trim() }, tx.Transaction, cancellationToken: ct));
        await Outbox.Outbox.AppendAsync(tx.Connection, tx.Transaction, EventOf(from, to), campaignId, payload: new { from, to, reason = reason.Trim() }, ct: ct);
        await tx.CommitAsync(ct);
        return new Result(Outcome.Done);
    }
}
