using System.Text.Json;
using Dapper;
using Npgsql;

namespace EKIS.Reporting.Features.Registry;

/// <summary>Every recorded change of one org unit: who, when, from which date, and each field old → new.</summary>
public sealed class OrganisationHistory(NpgsqlDataSource db)
{
    public sealed record FieldChange(string Field, string? Old, string? New);

    public sealed record Change(long Id, string Operation, DateOnly? EffectiveOn, DateTime ChangedAt, string ChangedBy, string? Reason, IReadOnlyList<FieldChange> Fields);

    private sealed record Row(long Id, string Operation, DateTime? EffectiveOn, DateTime ChangedAt, string ChangedBy, string? Reason, string? OldRow, string? NewRow);

    private static readonly HashSet<string> Bookkeeping = ["id", "created_at", "created_by", "updated_at", "updated_by"];

    public async Task<IReadOnlyList<Change>> ForAsync(string ekisCode, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Row>(new CommandDefinition("""
            SELECT h.id, h.operation,
                   CASE WHEN isfinite(h.effective_on) THEN h.effective_on::timestamp END AS EffectiveOn,
                   h.changed_at AS ChangedAt,
                   coalesce(u.full_name || ' (' || u.login || ')', h.changed_by) AS ChangedBy, h.reason,
                   h.old_row::text AS OldRow, h.new_row::text AS NewRow
            FROM ekis.org_unit_history h
            -- Actors of people are "user:<id>"; show the person with the login (system actors stay as they are).
            LEFT JOIN ekis.app_user u ON u.id = ekis.actor_user_id(h.changed_by)
            WHERE h.org_unit_id = (SELECT id FROM ekis.org_unit WHERE ekis_code = @ekisCode)
            ORDER BY h.id
            """, new { ekisCode }, cancellationToken: ct));
        var changes = rows.Select(r => new Change(r.Id, r.Operation, r.EffectiveOn is { } e ? DateOnly.FromDateTime(e) : null,
            r.ChangedAt, r.ChangedBy, r.Reason, Diff(r.OldRow, r.NewRow))).ToList();

        // A move or a merge changes a reference: show the unit it points to, not its id.
        var ids = changes.SelectMany(c => c.Fields).Where(f => References.Contains(f.Field))
            .SelectMany(f => new[] { f.Old, f.New }).OfType<string>()
            .Select(v => long.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : 0)
            .Where(id => id > 0).Distinct().ToArray();
        if (ids.Length == 0) return changes;
        var names = (await conn.QueryAsync<(long Id, string Title)>(new CommandDefinition(
                "SELECT id, coalesce(short_name, name) || ' (' || ekis_code || ')' FROM ekis.org_unit WHERE id = ANY(@ids)",
                new { ids }, cancellationToken: ct)))
            .ToDictionary(x => x.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), x => x.Title, StringComparer.Ordinal);
        string? Name(string? v) => v is not null && names.TryGetValue(v, out var title) ? title : v;
        return changes.Select(c => c with
        {
            Fields = c.Fields.Select(f => References.Contains(f.Field) ? f with { Old = Name(f.Old), New = Name(f.New) } : f).ToList(),
        }).ToList();
    }

    private static readonly HashSet<string> References = ["parent_id", "merged_into_id"];

    private static List<FieldChange> Diff(string? oldJson, string? newJson)
    {
        var before = Flatten(oldJson);
        var after = Flatten(newJson);
        return before.Keys.Union(after.Keys)
            .Where(k => !Bookkeeping.Contains(k))
            .Select(k => new FieldChange(k, before.GetValueOrDefault(k), after.GetValueOrDefault(k)))
            .Where(c => c.Old != c.New)
            .ToList();
    }

    private static Dictionary<string, string?> Flatten(string? json)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (json is null) return result;
        using var doc = JsonDocument.Parse(json);
        foreach (var p in doc.RootElement.EnumerateObject())
            result[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => p.Value.GetString(),
                _ => p.Value.GetRawText(),
            };
        return result;
    }
}
