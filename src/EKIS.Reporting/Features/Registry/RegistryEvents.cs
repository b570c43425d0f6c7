using Dapper;
using EKIS.Reporting.Features.Outbox;
using EKIS.Reporting.Infrastructure.Database;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Announces a registry change (move, merge, close, group membership, a bulk import) to the campaigns
/// it can alter: one <see cref="DomainEvents.RegistryChanged"/> per OPEN campaign whose as_of date is
/// on or after the date the change takes effect, in the transaction of the change. Payload:
/// <c>{ change, units }</c> — the change kind and every unit it touched.
/// </summary>
internal static class RegistryEvents
{
    public const string Move = "move";
    public const string Merge = "merge";
    public const string Close = "close";
    public const string Group = "group";
    public const string Import = "import";

    /// <summary>Group membership has no effective date: every open campaign reads the current one.</summary>
    public static readonly DateOnly Undated = DateOnly.MinValue;

    public static async Task AppendAsync(ActorTransaction tx, string change, IReadOnlyCollection<long> units, DateOnly effectiveOn, CancellationToken ct)
    {
        if (units.Count == 0) return;
        var campaigns = await tx.Connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM ekis.campaign WHERE status = 'open' AND as_of >= @on::date ORDER BY id",
            new { on = effectiveOn.ToDateTime(TimeOnly.MinValue) }, tx.Transaction, cancellationToken: ct));
        var payload = new { change, units = units.Distinct().Order().ToArray() };
        foreach (var campaignId in campaigns)
            await Outbox.Outbox.AppendAsync(tx.Connection, tx.Transaction, DomainEvents.RegistryChanged, campaignId, payload: payload, ct: ct);
    }

    /// <summary>
    /// The units this transaction changed in the registry (rows of its history, group memberships of
    /// its audit) and the earliest date those changes take effect — what a bulk import touched. Group
    /// membership carries no date (every campaign reads today's), so it reaches every open campaign.
    /// </summary>
    public static async Task AppendForTransactionAsync(ActorTransaction tx, string change, CancellationToken ct)
    {
        // xmin of a row written by this transaction is its (32-bit) transaction id.
        var rows = (await tx.Connection.QueryAsync<(long Unit, DateTime On)>(new CommandDefinition("""
            SELECT h.org_unit_id, greatest(h.effective_on, DATE '0001-01-01')::timestamp
            FROM ekis.org_unit_history h WHERE h.xmin = pg_current_xact_id()::xid
            UNION ALL
            SELECT a.entity_id::bigint, DATE '0001-01-01'::timestamp
            FROM ekis.audit_event a
            WHERE a.xmin = pg_current_xact_id()::xid AND a.entity = 'org_unit' AND a.action IN ('group.add', 'group.remove')
            """, transaction: tx.Transaction, cancellationToken: ct))).ToList();
        if (rows.Count == 0) return;
        await AppendAsync(tx, change, rows.Select(r => r.Unit).ToList(), DateOnly.FromDateTime(rows.Min(r => r.On)), ct);
    }

    /// <summary>A unit and its open branches (a move or a closure takes them along).</summary>
    public static async Task<IReadOnlyList<long>> WithBranchesAsync(ActorTransaction tx, long unitId, CancellationToken ct) =>
        (await tx.Connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM ekis.org_unit WHERE id = @unitId OR (parent_id = @unitId AND level = 'branch')",
            new { unitId }, tx.Transaction, cancellationToken: ct))).ToList();
}
