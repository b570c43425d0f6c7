using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Infrastructure.Actors;
using Npgsql;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>
/// Director accounts for every organisation of a selection, from the registry's director names and
/// e-mails, each invited by a link to set a password. Organisations that already have an active
/// director, or have no e-mail in the registry, are listed and skipped.
/// </summary>
public sealed class BulkDirectors(NpgsqlDataSource db, Users users)
{
    public sealed record Candidate(long OrgUnitId, string EkisCode, string Name, string? Director, string? Email, string? ExistingDirector)
    {
        public string? SkipReason =>
            ExistingDirector is not null ? $"уже есть руководитель ({ExistingDirector})"
            : string.IsNullOrWhiteSpace(Email) ? "в реестре не указан e-mail"
            : string.IsNullOrWhiteSpace(Director) ? "в реестре не указан руководитель"
            : null;

        public string Login => "dir-" + EkisCode.ToLowerInvariant();
    }

    public sealed record Outcome(Candidate Candidate, bool Created, string Message);

    /// <summary>Organisations and branches (respondents) of a municipality, optionally of one kind, within the caller's scope.</summary>
    public async Task<IReadOnlyList<Candidate>> PreviewAsync(AccessScope scope, long municipalityId, string? kind, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Candidate>(new CommandDefinition("""
            SELECT o.id AS OrgUnitId, o.ekis_code AS EkisCode, o.name, o.director, o.email,
                   (SELECT string_agg(u.login, ', ') FROM ekis.role_assignment a JOIN ekis.app_user u ON u.id = a.user_id
                    WHERE a.org_unit_id = o.id AND a.role = 'director' AND a.status = 'active') AS ExistingDirector
            FROM ekis.org_unit o
            JOIN ekis.units_in_scope(@role, @unit) s ON s.id = o.id
            WHERE o.level IN ('organisation', 'branch') AND o.status <> 'closed'
              AND (o.parent_id = @municipalityId OR o.parent_id IN (SELECT id FROM ekis.org_unit WHERE parent_id = @municipalityId))
              AND (@kind::text IS NULL OR o.kind = @kind)
            ORDER BY o.name
            """, new { role = scope.Role, unit = scope.OrgUnitId, municipalityId, kind = string.IsNullOrWhiteSpace(kind) ? null : kind }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<Outcome>> CreateAsync(AccessScope scope, long municipalityId, string? kind, Actor actor, string? clientAddress, CancellationToken ct = default)
    {
        if (Users.GrantProblem(scope, Roles.Director) is { } problem) throw new InvalidOperationException(problem);
        var outcomes = new List<Outcome>();
        foreach (var c in await PreviewAsync(scope, municipalityId, kind, ct))
        {
            if (c.SkipReason is { } reason)
            {
                outcomes.Add(new Outcome(c, false, reason));
                continue;
            }
            var (created, problems) = await users.CreateAsync(new Users.NewUser(c.Login, c.Director!, c.Email, null), actor, ct);
            if (created is null)
            {
                outcomes.Add(new Outcome(c, false, string.Join(" ", problems)));
                continue;
            }
            var grant = await users.GrantAsync(created.UserId, Roles.Director, c.OrgUnitId, scope, actor, clientAddress, ct);
            outcomes.Add(grant is null
                ? new Outcome(c, true, $"создан «{c.Login}», приглашение отправлено на {created.MailedTo}")
                : new Outcome(c, false, grant));
        }
        return outcomes;
    }
}
