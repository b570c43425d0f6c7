using Dapper;
using EKIS.Reporting.Features.Access;
using Npgsql;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// The org units a role may see — the list (paged, searchable) and one unit's card. A unit outside
/// the scope is simply not found, so its existence is not revealed.
/// </summary>
public sealed class ScopedUnits(NpgsqlDataSource db)
{
    public sealed record Row(long Id, string Level, string EkisCode, string Name, string? ShortName, string? ParentName);

    public sealed record Page(IReadOnlyList<Row> Items, int Total, int PageNumber, int PageSize)
    {
        public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    }

    public sealed record Card(long Id, string Level, string EkisCode, string Name, string? ShortName, long? ParentId, string? ParentName,
        DateTime CreatedAt, string CreatedBy, DateTime UpdatedAt, string UpdatedBy, IReadOnlyList<Row> Children)
    {
        /// <summary>The registry card's fields, label → value, in the order a person reads them (empty ones left out).</summary>
        public IReadOnlyList<KeyValuePair<string, string>> Fields { get; init; } = [];

        /// <summary>active, reorganising or closed (null for the region and municipalities, which have none shown).</summary>
        public string? Status { get; init; }
    }

    private sealed record Head(long Id, string Level, string EkisCode, string Name, string? ShortName, long? ParentId, string? ParentName,
        DateTime CreatedAt, string CreatedBy, DateTime UpdatedAt, string UpdatedBy);

    public static string LevelTitle(string level) => level switch
    {
        "region" => "Регион",
        "municipality" => "Муниципальное образование",
        "organisation" => "Образовательная организация",
        "branch" => "Филиал",
        _ => level,
    };

    public sealed record Option(long Id, string Name);

    /// <summary>The id of the unit with this ЕКИС code (any level), or null. Callers check scope on the id.</summary>
    public async Task<long?> IdByCodeAsync(string? ekisCode, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(ekisCode)) return null;
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM ekis.org_unit WHERE ekis_code = @code", new { code = ekisCode.Trim() }, cancellationToken: ct));
    }

    /// <summary>The municipalities within the role's scope, by name (for pickers).</summary>
    public async Task<IReadOnlyList<Option>> MunicipalitiesAsync(AccessScope scope, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Option>(new CommandDefinition("""
            SELECT u.id, u.name FROM ekis.org_unit u JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            WHERE u.level = 'municipality' ORDER BY u.name
            """, new { role = scope.Role, unit = scope.OrgUnitId }, cancellationToken: ct))).ToList();
    }

    public async Task<Page> ListAsync(AccessScope scope, string? search, int page, int pageSize = 50, CancellationToken ct = default)
    {
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 10, 200);
        var q = string.IsNullOrWhiteSpace(search) ? null
            : "%" + search.Trim().ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        var args = new { role = scope.Role, unit = scope.OrgUnitId, q, offset = (page - 1) * pageSize, pageSize };
        const string from = """
            FROM ekis.org_unit u
            JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            LEFT JOIN ekis.org_unit p ON p.id = u.parent_id
            WHERE (@q::text IS NULL OR lower(u.name) LIKE @q OR lower(coalesce(u.short_name, '')) LIKE @q OR lower(u.ekis_code) LIKE @q)
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        var total = await conn.ExecuteScalarAsync<int>(new CommandDefinition("SELECT count(*) " + from, args, cancellationToken: ct));
        var items = await conn.QueryAsync<Row>(new CommandDefinition($"""
            SELECT u.id, u.level, u.ekis_code AS EkisCode, u.name, u.short_name AS ShortName, coalesce(p.short_name, p.name) AS ParentName
            {from}
            ORDER BY array_position(ARRAY['region','municipality','organisation','branch'], u.level), u.name, u.id
            OFFSET @offset LIMIT @pageSize
            """, args, cancellationToken: ct));
        return new Page(items.ToList(), total, page, pageSize);
    }

    public async Task<Card?> GetAsync(AccessScope scope, long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var args = new { role = scope.Role, unit = scope.OrgUnitId, id };
        var h = await conn.QuerySingleOrDefaultAsync<Head>(new CommandDefinition("""
            SELECT u.id, u.level, u.ekis_code AS EkisCode, u.name, u.short_name AS ShortName, u.parent_id AS ParentId,
                   coalesce(p.short_name, p.name) AS ParentName, u.created_at AS CreatedAt, u.created_by AS CreatedBy,
                   u.updated_at AS UpdatedAt, u.updated_by AS UpdatedBy
            FROM ekis.org_unit u
            JOIN ekis.units_in_scope(@role, @unit) s ON s.id = u.id
            LEFT JOIN ekis.org_unit p ON p.id = u.parent_id
            WHERE u.id = @id
            """, args, cancellationToken: ct));
        if (h is null) return null;
        var children = await conn.QueryAsync<Row>(new CommandDefinition("""
            SELECT c.id, c.level, c.ekis_code AS EkisCode, c.name, c.short_name AS ShortName, NULL::text AS ParentName
            FROM ekis.org_unit c JOIN ekis.units_in_scope(@role, @unit) s ON s.id = c.id
            WHERE c.parent_id = @id ORDER BY c.name
            """, args, cancellationToken: ct));
        var f = await conn.QuerySingleAsync<CardFields>(new CommandDefinition("""
            SELECT kind, legal_status AS LegalStatus, status, inn, kpp, ogrn, okpo, oktmo, okfs, okopf, address, actual_address AS ActualAddress,
                   urban, director, phone, email, website, opened_on AS OpenedOn, closed_on AS ClosedOn
            FROM ekis.org_unit WHERE id = @id
            """, new { id }, cancellationToken: ct));
        return new Card(h.Id, h.Level, h.EkisCode, h.Name, h.ShortName, h.ParentId, h.ParentName, h.CreatedAt, h.CreatedBy, h.UpdatedAt, h.UpdatedBy, children.ToList())
        {
            Fields = f.Describe(),
            Status = f.Status,
        };
    }

    private sealed record CardFields(string? Kind, string? LegalStatus, string Status, string? Inn, string? Kpp, string? Ogrn, string? Okpo, string? Oktmo,
        string? Okfs, string? Okopf, string? Address, string? ActualAddress, bool? Urban, string? Director, string? Phone, string? Email, string? Website,
        DateOnly? OpenedOn, DateOnly? ClosedOn)
    {
        public IReadOnlyList<KeyValuePair<string, string>> Describe()
        {
            var ru = System.Globalization.CultureInfo.GetCultureInfo("ru-RU");
            var all = new (string Label, string? Value)[]
            {
                ("Статус", RegistryColumns.Statuses.GetValueOrDefault(Status, Status)),
                ("Вид", Kind is null ? null : RegistryColumns.Kinds.GetValueOrDefault(Kind, Kind)),
                ("Правовой статус", LegalStatus is null ? null : RegistryColumns.LegalStatuses.GetValueOrDefault(LegalStatus, LegalStatus)),
                ("Руководитель", Director), ("ИНН", Inn), ("КПП", Kpp), ("ОГРН", Ogrn), ("ОКПО", Okpo), ("ОКТМО", Oktmo), ("ОКФС", Okfs), ("ОКОПФ", Okopf),
                ("Юридический адрес", Address), ("Фактический адрес", ActualAddress),
                ("Местность", Urban switch { true => "городская", false => "сельская", null => null }),
                ("Телефон", Phone), ("Электронная почта", Email), ("Сайт", Website),
                ("Дата открытия", OpenedOn?.ToString("d", ru)), ("Дата закрытия", ClosedOn?.ToString("d", ru)),
            };
            return all.Where(x => !string.IsNullOrWhiteSpace(x.Value)).Select(x => new KeyValuePair<string, string>(x.Label, x.Value!)).ToList();
        }
    }
}
