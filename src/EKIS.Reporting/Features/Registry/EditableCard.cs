using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;
using C = EKIS.Reporting.Features.Registry.RegistryColumns;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// The fields of an organisation card that a form edits (the edit page and proposed changes), read
/// within the role's scope. Status, parent and dates change through close/move/merge, not here.
/// </summary>
public sealed class EditableCard(NpgsqlDataSource db)
{
    /// <summary>Canonical columns a form may change; their names are also the org_unit columns.</summary>
    public static readonly IReadOnlyList<string> Editable =
    [
        C.Name, C.ShortName, C.Kind, C.Inn, C.Kpp, C.Ogrn, C.Okpo, C.Oktmo, C.Okfs, C.Okopf,
        C.Address, C.ActualAddress, C.Director, C.Phone, C.Email, C.Website,
    ];

    public static string Title(string column) => C.All.First(c => c.Name == column).Title;

    public sealed record Card(long Id, string EkisCode, string Level, IReadOnlyDictionary<string, string?> Fields);

    private sealed record Row(long Id, string EkisCode, string Level, string Name, string? ShortName, string? Kind, string? Inn, string? Kpp,
        string? Ogrn, string? Okpo, string? Oktmo, string? Okfs, string? Okopf, string? Address, string? ActualAddress, string? Director,
        string? Phone, string? Email, string? Website);

    public async Task<Card?> LoadAsync(AccessScope scope, long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var r = await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT u.id, u.ekis_code AS EkisCode, u.level, u.name, u.short_name AS ShortName, u.kind, u.inn, u.kpp, u.ogrn, u.okpo,
                   u.oktmo, u.okfs, u.okopf, u.address, u.actual_address AS ActualAddress, u.director, u.phone, u.email, u.website
            FROM ekis.org_unit u
            JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            WHERE u.id = @id AND u.level IN ('organisation', 'branch')
            """, new { role = scope.Role, unit = scope.OrgUnitId, id }, cancellationToken: ct));
        if (r is null) return null;
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [C.Name] = r.Name, [C.ShortName] = r.ShortName, [C.Kind] = r.Kind, [C.Inn] = r.Inn, [C.Kpp] = r.Kpp,
            [C.Ogrn] = r.Ogrn, [C.Okpo] = r.Okpo, [C.Oktmo] = r.Oktmo, [C.Okfs] = r.Okfs, [C.Okopf] = r.Okopf,
            [C.Address] = r.Address, [C.ActualAddress] = r.ActualAddress, [C.Director] = r.Director,
            [C.Phone] = r.Phone, [C.Email] = r.Email, [C.Website] = r.Website,
        };
        return new Card(r.Id, r.EkisCode, r.Level, fields);
    }

    /// <summary>The fields of a submitted form that differ from the card (trimmed; "" clears a field, an absent one is kept).</summary>
    public static Dictionary<string, string> Changes(Card card, Func<string, string?> submitted)
    {
        var changes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var column in Editable)
        {
            // A field the form did not send stays as it is; a field sent empty is cleared.
            if (submitted(column) is not { } sent) continue;
            var value = sent.Trim();
            if (value != (card.Fields[column] ?? "")) changes[column] = value;
        }
        return changes;
    }
}
