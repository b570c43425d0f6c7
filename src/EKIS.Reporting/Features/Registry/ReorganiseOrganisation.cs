using Dapper;
using EKIS.Reporting.Features.Access;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Moves, closes and merges organisations. Nothing is deleted: the unit keeps its id, so its past
/// reports stay attached to it, and every change is in its history from the given date on.
/// </summary>
public sealed class ReorganiseOrganisation(NpgsqlDataSource db)
{
    public sealed record Result(string? Problem)
    {
        public bool Done => Problem is null;
        public static readonly Result Ok = new((string?)null);
    }

    private sealed record Unit(long Id, string Level, string Name, string Status, long? ParentId);

    /// <summary>
    /// An organisation or branch as the move, close and merge forms show it: its municipality, its
    /// open branches and its opening date. Null when the unit is outside the role's scope (not found).
    /// </summary>
    public sealed record Subject(long Id, string Level, string EkisCode, string Name, string? ShortName, string Status,
        DateOnly? OpenedOn, long MunicipalityId, string MunicipalityName, int OpenBranches)
    {
        public string Title => ShortName ?? Name;
    }

    public sealed record Municipality(long Id, string EkisCode, string Name);

    public async Task<Subject?> SubjectAsync(AccessScope scope, long id, CancellationToken ct = default) =>
        await FindSubjectAsync(scope, id, null, ct);

    /// <summary>The organisation or branch with this ЕКИС code within the role's scope (the merge form names its target so).</summary>
    public async Task<Subject?> SubjectByCodeAsync(AccessScope scope, string? ekisCode, CancellationToken ct = default) =>
        string.IsNullOrWhiteSpace(ekisCode) ? null
            : await FindSubjectAsync(scope, null, ekisCode.Trim(), ct);

    private async Task<Subject?> FindSubjectAsync(AccessScope scope, long? id, string? code, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Subject>(new CommandDefinition("""
            SELECT u.id, u.level, u.ekis_code AS EkisCode, u.name, u.short_name AS ShortName, u.status,
                   u.opened_on AS OpenedOn, m.id AS MunicipalityId, m.name AS MunicipalityName,
                   (SELECT count(*)::int FROM ekis.org_unit b WHERE b.parent_id = u.id AND b.level = 'branch' AND b.status <> 'closed') AS OpenBranches
            FROM ekis.org_unit u
            JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            JOIN ekis.unit_municipality um ON um.id = u.id
            JOIN ekis.org_unit m ON m.id = um.municipality_id
            WHERE u.level IN ('organisation', 'branch') AND (u.id = @id OR u.ekis_code = @code)
            """, new { role = scope.Role, unit = scope.OrgUnitId, id, code }, cancellationToken: ct));
    }

    /// <summary>The municipalities within the role's scope, by name (where an organisation can be moved).</summary>
    public async Task<IReadOnlyList<Municipality>> MunicipalitiesAsync(AccessScope scope, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Municipality>(new CommandDefinition("""
            SELECT u.id, u.ekis_code AS EkisCode, u.name FROM ekis.org_unit u JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            WHERE u.level = 'municipality' ORDER BY u.name
            """, new { role = scope.Role, unit = scope.OrgUnitId }, cancellationToken: ct))).ToList();
    }

    /// <summary>Moves an organisation (with its branches) to another municipality from <paramref name="on"/>.</summary>
    public async Task<Result> MoveAsync(string ekisCode, string municipalityCode, DateOnly on, Actor actor, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var unit = await FindAsync(tx, ekisCode, ct);
        var target = await FindAsync(tx, municipalityCode, ct);
        if (unit is null) return new Result($"Организация с кодом ЕКИС «{ekisCode}» не найдена.");
        if (unit.Level != "organisation") return new Result($"«{ekisCode}» — не организация: переносить в другое муниципальное образование можно только организацию (вместе с филиалами).");
        if (target is null || target.Level != "municipality") return new Result($"Муниципальное образование с кодом ЕКИС «{municipalityCode}» не найдено.");
        if (unit.Status == "closed") return new Result($"«{ekisCode}» закрыта: переносить можно только действующую организацию.");
        if (unit.ParentId == target.Id) return new Result($"Организация уже относится к «{target.Name}».");
        if (await BackdatedAsync(tx, unit.Id, branches: false, on, ct) is { } moveProblem) return new Result(moveProblem);
        await RegistryChanges.SetEffectiveOnAsync(tx, on, ct);
        await RegistryChanges.SetReasonAsync(tx, "move", ct);
        await tx.Connection.ExecuteAsync(new CommandDefinition("UPDATE ekis.org_unit SET parent_id = @parent WHERE id = @id",
            new { parent = target.Id, id = unit.Id }, tx.Transaction, cancellationToken: ct));
        await RegistryEvents.AppendAsync(tx, RegistryEvents.Move, await RegistryEvents.WithBranchesAsync(tx, unit.Id, ct), on, ct);
        await AuditAsync(tx, "registry.move", unit.Id, new { to = municipalityCode, on = on.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }, ct);
        await tx.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>Closes an organisation and its open branches on <paramref name="on"/>.</summary>
    public async Task<Result> CloseAsync(string ekisCode, DateOnly on, Actor actor, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var unit = await FindAsync(tx, ekisCode, ct);
        if (unit is null || unit.Level is not ("organisation" or "branch")) return new Result($"Организация с кодом ЕКИС «{ekisCode}» не найдена.");
        if (unit.Status == "closed") return new Result($"«{ekisCode}» уже закрыта.");
        var problem = await CloseUnitAsync(tx, unit, on, mergedInto: null, ct);
        if (problem is not null) return new Result(problem);
        await RegistryEvents.AppendAsync(tx, RegistryEvents.Close, await RegistryEvents.WithBranchesAsync(tx, unit.Id, ct), on, ct);
        await AuditAsync(tx, "registry.close", unit.Id, new { on = Iso(on) }, ct);
        await tx.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>
    /// Merges <paramref name="absorbedCode"/> into <paramref name="survivorCode"/> on <paramref name="on"/>:
    /// the absorbed organisation is closed with a link to the survivor, its open branches pass to the survivor.
    /// </summary>
    public async Task<Result> MergeAsync(string absorbedCode, string survivorCode, DateOnly on, Actor actor, CancellationToken ct = default)
    {
        await using var tx = await db.BeginAsAsync(actor, ct);
        var absorbed = await FindAsync(tx, absorbedCode, ct);
        var survivor = await FindAsync(tx, survivorCode, ct);
        if (absorbed is null || absorbed.Level != "organisation") return new Result($"Присоединяемая организация «{absorbedCode}» не найдена.");
        if (survivor is null || survivor.Level != "organisation") return new Result($"Организация «{survivorCode}», к которой присоединяют, не найдена.");
        if (absorbed.Id == survivor.Id) return new Result("Организацию нельзя присоединить к ней самой.");
        if (absorbed.Status == "closed") return new Result($"«{absorbedCode}» уже закрыта.");
        if (survivor.Status == "closed") return new Result($"«{survivorCode}» закрыта: присоединять можно только к действующей организации.");
        if (await BackdatedAsync(tx, absorbed.Id, branches: true, on, ct) is { } mergeProblem) return new Result(mergeProblem);
        await RegistryChanges.SetEffectiveOnAsync(tx, on, ct);
        await RegistryChanges.SetReasonAsync(tx, "merge", ct);
        // The absorbed organisation, its branches (they pass to the survivor) and the survivor itself.
        var merged = (await RegistryEvents.WithBranchesAsync(tx, absorbed.Id, ct)).Append(survivor.Id).ToList();
        await tx.Connection.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.org_unit SET parent_id = @survivor WHERE parent_id = @absorbed AND level = 'branch' AND status <> 'closed'
            """, new { survivor = survivor.Id, absorbed = absorbed.Id }, tx.Transaction, cancellationToken: ct));
        var problem = await CloseUnitAsync(tx, absorbed, on, survivor.Id, ct);
        if (problem is not null) return new Result(problem);
        await RegistryEvents.AppendAsync(tx, RegistryEvents.Merge, merged, on, ct);
        await AuditAsync(tx, "registry.merge", absorbed.Id, new { into = survivorCode, on = Iso(on) }, ct);
        await tx.CommitAsync(ct);
        return Result.Ok;
    }

    /// <summary>
    /// A move may be dated in the past (the tree of a date takes each unit's parent from the newest
    /// row that set it, migration 0013), but not before a change of parent already in force later
    /// for the unit (or, with <paramref name="branches"/>, its open branches): the two moves would
    /// contradict each other.
    /// </summary>
    private static async Task<string?> BackdatedAsync(ActorTransaction tx, long unitId, bool branches, DateOnly on, CancellationToken ct)
    {
        var latest = await tx.Connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition("""
            SELECT max(h.effective_on)::timestamp FROM ekis.org_unit_history h
            WHERE (h.org_unit_id = @id
                   OR (@branches AND h.org_unit_id IN (SELECT b.id FROM ekis.org_unit b WHERE b.parent_id = @id AND b.level = 'branch' AND b.status <> 'closed')))
              AND h.operation = 'update' AND h.old_row -> 'parent_id' IS DISTINCT FROM h.new_row -> 'parent_id'
            """, new { id = unitId, branches }, tx.Transaction, cancellationToken: ct));
        if (latest is not { } l || DateOnly.FromDateTime(l) <= on) return null;
        var d = DateOnly.FromDateTime(l).ToString("dd.MM.yyyy", System.Globalization.CultureInfo.InvariantCulture);
        return $"С {d} в истории уже записан перенос в другое подчинение: дата не может быть раньше него. Укажите дату не раньше {d}.";
    }

    private static async Task<string?> CloseUnitAsync(ActorTransaction tx, Unit unit, DateOnly on, long? mergedInto, CancellationToken ct)
    {
        await RegistryChanges.SetEffectiveOnAsync(tx, on, ct);
        await RegistryChanges.SetReasonAsync(tx, mergedInto is null ? "close" : "merge", ct);
        var opened = await tx.Connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "SELECT opened_on::timestamp FROM ekis.org_unit WHERE id = @id", new { id = unit.Id }, tx.Transaction, cancellationToken: ct));
        if (opened is { } o && DateOnly.FromDateTime(o) > on) return "Дата закрытия раньше даты открытия.";
        await tx.Connection.ExecuteAsync(new CommandDefinition("""
            UPDATE ekis.org_unit SET status = 'closed', closed_on = @on::date, merged_into_id = @mergedInto
            WHERE (id = @id OR (parent_id = @id AND level = 'branch')) AND status <> 'closed'
            """, new { id = unit.Id, on = Iso(on), mergedInto }, tx.Transaction, cancellationToken: ct));
        return null;
    }

    private static Task<Unit?> FindAsync(ActorTransaction tx, string code, CancellationToken ct) =>
        tx.Connection.QuerySingleOrDefaultAsync<Unit>(new CommandDefinition(
            "SELECT id, level, name, status, parent_id AS ParentId FROM ekis.org_unit WHERE ekis_code = @code FOR UPDATE",
            new { code }, tx.Transaction, cancellationToken: ct));

    private static Task AuditAsync(ActorTransaction tx, string action, long id, object details, CancellationToken ct) =>
        tx.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ekis.audit_event (action, entity, entity_id, details) VALUES (@action, 'org_unit', @id, @details::jsonb)",
            new { action, id = id.ToString(System.Globalization.CultureInfo.InvariantCulture), details = System.Text.Json.JsonSerializer.Serialize(details) },
            tx.Transaction, cancellationToken: ct));

    private static string Iso(DateOnly d) => RegistryColumns.FormatDate(d);
}
