using Dapper;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Groups of organisations (to target campaigns and slice summaries) and group sets; an exclusive
/// set allows an organisation in at most one of its groups, and <see cref="ViolationsAsync"/> lists
/// the organisations that break that.
/// </summary>
public sealed class RegistryGroups(NpgsqlDataSource db)
{
    public sealed record Violation(string SetCode, string SetName, string EkisCode, string OrganisationName, IReadOnlyList<string> Groups);

    public async Task<long> CreateSetAsync(string code, string name, bool exclusive, Actor actor, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var id = await tx.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO ekis.org_group_set (code, name, exclusive) VALUES (@code, @name, @exclusive) RETURNING id",
            new { code, name, exclusive }, tx.Transaction, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<long> CreateGroupAsync(string code, string name, string? setCode, Actor actor, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var id = await tx.Connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO ekis.org_group (set_id, code, name)
            VALUES ((SELECT id FROM ekis.org_group_set WHERE code = @setCode), @code, @name) RETURNING id
            """, new { code, name, setCode }, tx.Transaction, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return id;
    }

    public async Task<int> AddAsync(string groupCode, IReadOnlyList<string> ekisCodes, Actor actor, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var added = await tx.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO ekis.org_group_member (group_id, org_unit_id)
            SELECT g.id, o.id FROM ekis.org_group g, ekis.org_unit o
            WHERE g.code = @groupCode AND o.ekis_code = ANY(@codes) AND o.level IN ('organisation', 'branch')
            ON CONFLICT DO NOTHING
            """, new { groupCode, codes = ekisCodes.ToArray() }, tx.Transaction, cancellationToken: ct));
        await RegistryEvents.AppendForTransactionAsync(tx, RegistryEvents.Group, ct);
        await tx.CommitAsync(ct);
        return added;
    }

    public async Task<int> RemoveAsync(string groupCode, IReadOnlyList<string> ekisCodes, Actor actor, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var removed = await tx.Connection.ExecuteAsync(new CommandDefinition("""
            DELETE FROM ekis.org_group_member gm USING ekis.org_group g, ekis.org_unit o
            WHERE gm.group_id = g.id AND gm.org_unit_id = o.id AND g.code = @groupCode AND o.ekis_code = ANY(@codes)
            """, new { groupCode, codes = ekisCodes.ToArray() }, tx.Transaction, cancellationToken: ct));
        await RegistryEvents.AppendForTransactionAsync(tx, RegistryEvents.Group, ct);
        await tx.CommitAsync(ct);
        return removed;
    }

    /// <summary>Organisations in more than one group of an exclusive set.</summary>
    public async Task<IReadOnlyList<Violation>> ViolationsAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string SetCode, string SetName, string EkisCode, string Name, string[] Groups)>(new CommandDefinition("""
            SELECT s.code, s.name, o.ekis_code, o.name, array_agg(g.code ORDER BY g.code)
            FROM ekis.org_group_set s
            JOIN ekis.org_group g ON g.set_id = s.id
            JOIN ekis.org_group_member gm ON gm.group_id = g.id
            JOIN ekis.org_unit o ON o.id = gm.org_unit_id
            WHERE s.exclusive
            GROUP BY s.code, s.name, o.ekis_code, o.name
            HAVING count(*) > 1
            ORDER BY s.code, o.ekis_code
            """, cancellationToken: ct));
        return rows.Select(r => new Violation(r.SetCode, r.SetName, r.EkisCode, r.Name, r.Groups)).ToList();
    }
}
