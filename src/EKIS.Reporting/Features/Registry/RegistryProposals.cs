using System.Text.Json;
using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Proposed changes of a card (issue 4, item 8). A director proposes new values for a respondent in
/// their scope; a regional analyst (or an administrator) sees the diff and approves — the values
/// are saved through <see cref="SaveOrganisation"/> as the analyst's change — or rejects with a comment.
/// Every read and write is limited to units in the acting role's scope; others are "not found".
/// </summary>
public sealed class RegistryProposals(NpgsqlDataSource db, EditableCard cards, SaveOrganisation save)
{
    public sealed record Diff(string Column, string Title, string? Original, string? Current, string Proposed);

    public sealed record Proposal(long Id, long OrgUnitId, string EkisCode, string OrgName, string Status, DateTime ProposedAt, string ProposedBy,
        DateTime? DecidedAt, string? DecidedBy, string? Comment, IReadOnlyList<Diff> Changes);

    public sealed record Outcome(long? Id, IReadOnlyList<RegistryProblem> Problems)
    {
        public bool Ok => Problems.Count == 0;
        public static Outcome NotFound { get; } = new(null, [new RegistryProblem(null, null, "Не найдено.")]);
    }

    private sealed record Row(long Id, long OrgUnitId, string EkisCode, string OrgName, string Status, DateTime ProposedAt, string ProposedBy,
        DateTime? DecidedAt, string? DecidedBy, string? Comment, string Changes, string Original);

    public static bool MayPropose(AccessScope scope) => scope.Role == Roles.Director;
    public static bool MayDecide(AccessScope scope) => scope.IsRegional;

    /// <summary>Records the fields that differ from the card; checked as saving would check them.</summary>
    public async Task<Outcome> ProposeAsync(AccessScope scope, long orgUnitId, Func<string, string?> submitted, Actor actor, CancellationToken ct = default)
    {
        if (!MayPropose(scope)) return Outcome.NotFound;
        var card = await cards.LoadAsync(scope, orgUnitId, ct);
        if (card is null) return Outcome.NotFound;
        var changes = EditableCard.Changes(card, submitted);
        if (changes.Count == 0)
            return new Outcome(null, [new RegistryProblem(null, null, "Ни одно поле не изменено: предлагать нечего.")]);
        var problems = await save.CheckAsync(new SaveOrganisation.Command(WithCode(card, changes)), ct);
        if (problems.Count > 0) return new Outcome(null, problems);

        var original = changes.Keys.ToDictionary(k => k, k => card.Fields[k]);
        await using var tx = await db.BeginAsAsync(actor, ct);
        var id = await tx.Connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO ekis.registry_proposal (org_unit_id, changes, original)
            VALUES (@orgUnitId, @changes::jsonb, @original::jsonb) RETURNING id
            """, new { orgUnitId, changes = JsonSerializer.Serialize(changes), original = JsonSerializer.Serialize(original) },
            tx.Transaction, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new Outcome(id, []);
    }

    /// <summary>Proposals on units in the scope; pending first.</summary>
    public async Task<IReadOnlyList<Proposal>> ListAsync(AccessScope scope, bool pendingOnly, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition(Select + """
             WHERE (NOT @pendingOnly OR p.status = 'pending')
             ORDER BY p.status <> 'pending', p.proposed_at DESC, p.id DESC
             LIMIT 500
            """, new { role = scope.Role, unit = scope.OrgUnitId, pendingOnly }, cancellationToken: ct));
        return rows.Select(r => ToProposal(r, null)).ToList();
    }

    public async Task<Proposal?> GetAsync(AccessScope scope, long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select + " WHERE p.id = @id",
            new { role = scope.Role, unit = scope.OrgUnitId, id }, cancellationToken: ct));
        if (row is null) return null;
        var card = await cards.LoadAsync(scope, row.OrgUnitId, ct);
        return ToProposal(row, card);
    }

    /// <summary>Applies the proposed values as the deciding analyst; a proposal that no longer passes the checks stays pending.</summary>
    public async Task<Outcome> ApproveAsync(AccessScope scope, long id, string? comment, Actor actor, CancellationToken ct = default)
    {
        if (!MayDecide(scope)) return Outcome.NotFound;
        var p = await GetAsync(scope, id, ct);
        if (p is null) return Outcome.NotFound;
        if (p.Status != "pending") return new Outcome(id, [new RegistryProblem(null, null, "По этому предложению уже принято решение.")]);
        var fields = p.Changes.ToDictionary(c => c.Column, c => c.Proposed);
        fields[RegistryColumns.EkisCode] = p.EkisCode;
        var result = await save.SaveAsync(new SaveOrganisation.Command(fields), actor, ct);
        if (!result.Saved) return new Outcome(id, result.Problems);
        return await DecideAsync(id, "approved", comment, actor, ct);
    }

    public async Task<Outcome> RejectAsync(AccessScope scope, long id, string? comment, Actor actor, CancellationToken ct = default)
    {
        if (!MayDecide(scope)) return Outcome.NotFound;
        var p = await GetAsync(scope, id, ct);
        if (p is null) return Outcome.NotFound;
        if (string.IsNullOrWhiteSpace(comment))
            return new Outcome(id, [new RegistryProblem(null, "comment", "Укажите причину отклонения: её увидит руководитель.")]);
        return await DecideAsync(id, "rejected", comment, actor, ct);
    }

    private async Task<Outcome> DecideAsync(long id, string status, string? comment, Actor actor, CancellationToken ct)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var n = await tx.Connection.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.registry_proposal
            SET status = @status, decided_at = now(), decided_by = ekis.current_actor(), comment = nullif(btrim(@comment), '')
            WHERE id = @id AND status = 'pending'
            """, new { id, status, comment = comment ?? "" }, tx.Transaction, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return n == 1 ? new Outcome(id, []) : new Outcome(id, [new RegistryProblem(null, null, "По этому предложению уже принято решение.")]);
    }

    private const string Select = """
        SELECT p.id, p.org_unit_id AS OrgUnitId, u.ekis_code AS EkisCode, coalesce(u.short_name, u.name) AS OrgName, p.status,
               p.proposed_at AS ProposedAt, ekis.actor_name(p.proposed_by) AS ProposedBy,
               p.decided_at AS DecidedAt, ekis.actor_name(p.decided_by) AS DecidedBy,
               p.comment, p.changes::text AS Changes, p.original::text AS Original
        FROM ekis.registry_proposal p
        JOIN ekis.org_unit u ON u.id = p.org_unit_id
        JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
        """;

    private static Dictionary<string, string> WithCode(EditableCard.Card card, Dictionary<string, string> changes) =>
        new(changes, StringComparer.Ordinal) { [RegistryColumns.EkisCode] = card.EkisCode };

    private static Proposal ToProposal(Row r, EditableCard.Card? card)
    {
        var changes = JsonSerializer.Deserialize<Dictionary<string, string>>(r.Changes) ?? [];
        var original = JsonSerializer.Deserialize<Dictionary<string, string?>>(r.Original) ?? [];
        var diff = EditableCard.Editable.Where(changes.ContainsKey)
            .Select(c => new Diff(c, EditableCard.Title(c), original.GetValueOrDefault(c), card?.Fields.GetValueOrDefault(c), changes[c]))
            .ToList();
        return new Proposal(r.Id, r.OrgUnitId, r.EkisCode, r.OrgName, r.Status, r.ProposedAt, r.ProposedBy, r.DecidedAt, r.DecidedBy, r.Comment, diff);
    }
}
