using Dapper;
using Npgsql;

namespace EKIS.Reporting.Features.Access;

/// <summary>
/// The one place that decides whether an org unit is within a role's reach. Queries that list or
/// open data join <c>ekis.units_in_scope(role, unit)</c> (see 0005_accounts.sql) or ask here;
/// pages never decide by themselves.
/// </summary>
public sealed class ScopeService(NpgsqlDataSource db)
{
    public async Task<bool> CoversAsync(AccessScope scope, long orgUnitId, CancellationToken ct = default)
    {
        if (scope.IsAdmin) return true;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM ekis.units_in_scope(@role, @unit) s WHERE s.id = @target)",
            new { role = scope.Role, unit = scope.OrgUnitId, target = orgUnitId }, cancellationToken: ct));
    }

    /// <summary>
    /// Whether the role covers the unit by the tree as it was on <paramref name="on"/> (a report's
    /// reference date): a school moved since then stays with the municipality it belonged to.
    /// </summary>
    public async Task<bool> CoversOnAsync(AccessScope scope, long orgUnitId, DateOnly on, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT ekis.covers_on(@role, @unit, @target, @on::date)",
            new { role = scope.Role, unit = scope.OrgUnitId, target = orgUnitId, on = on.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<long>> UnitsAsync(AccessScope scope, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM ekis.units_in_scope(@role, @unit)", new { role = scope.Role, unit = scope.OrgUnitId }, cancellationToken: ct))).ToList();
    }
}
