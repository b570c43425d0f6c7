using Dapper;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;
using NpgsqlTypes;

namespace EKIS.Reporting.Features.Registry;

/// <summary>A problem found in registry input: the spreadsheet row (header = 1), the canonical column, a Russian message.</summary>
public sealed record RegistryProblem(int? Row, string? Column, string Message);

/// <summary>One input row: values by canonical column; a column absent from the input is absent here.</summary>
public sealed record RegistryRow(int RowNumber, IReadOnlyDictionary<string, string> Values);

/// <summary>The registry as it is now, in canonical text form (what an import plans against, what an export writes).</summary>
internal sealed class RegistrySnapshot
{
    internal sealed record Unit(long Id, string Level, Dictionary<string, string?> Fields, string? MunicipalityName);

    private RegistrySnapshot(List<Unit> units, HashSet<string> groupCodes)
    {
        Units = units;
        ByCode = units.ToDictionary(u => u.Fields[RegistryColumns.EkisCode]!, StringComparer.Ordinal);
        GroupCodes = groupCodes;
        Municipalities = units.Where(u => u.Level == "municipality").ToList();
        ParentsWithChildren = units
            .Where(u => u.Level == "branch" && u.Fields[RegistryColumns.ParentEkisCode] is not null)
            .Select(u => u.Fields[RegistryColumns.ParentEkisCode]!)
            .ToHashSet(StringComparer.Ordinal);
    }

    private readonly Dictionary<string, IReadOnlyList<Unit>> _municipalityMatches = new(StringComparer.Ordinal);

    /// <summary>
    /// The municipalities a file's municipality cell names: by ЕКИС code (any case) or by full or short
    /// name (as headers are compared: case, «ё», spaces). Remembered per value — an import names the
    /// same few municipalities on thousands of rows.
    /// </summary>
    public IReadOnlyList<Unit> MunicipalitiesMatching(string value)
    {
        if (_municipalityMatches.TryGetValue(value, out var known)) return known;
        var key = RegistryColumns.NormaliseHeader(value);
        var matches = Municipalities.Where(u =>
            string.Equals(u.Fields[RegistryColumns.EkisCode], value, StringComparison.OrdinalIgnoreCase)
            || RegistryColumns.NormaliseHeader(u.Fields[RegistryColumns.Name] ?? "") == key
            || RegistryColumns.NormaliseHeader(u.Fields[RegistryColumns.ShortName] ?? "") == key).ToList();
        _municipalityMatches[value] = matches;
        return matches;
    }

    public IReadOnlyList<Unit> Units { get; }
    public IReadOnlyDictionary<string, Unit> ByCode { get; }
    public IReadOnlyList<Unit> Municipalities { get; }
    public IReadOnlySet<string> GroupCodes { get; }
    public IReadOnlySet<string> ParentsWithChildren { get; }

    /// <summary>The whole registry (an import, an export).</summary>
    public static Task<RegistrySnapshot> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct) =>
        LoadAsync(conn, tx, null, ct);

    /// <summary>
    /// Only the part of the registry that planning <paramref name="row"/> alone can touch: the unit, its
    /// old and new parent, their branches, the municipalities and every unit sharing an ИНН or ОКПО with
    /// them — a single card save reads a few dozen rows instead of the whole registry, with the same checks.
    /// </summary>
    public static Task<RegistrySnapshot> LoadForAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, RegistryRow row, CancellationToken ct)
    {
        string[] Values(params string[] columns) =>
            columns.Select(c => row.Values.GetValueOrDefault(c)?.Trim()).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToArray();
        return LoadAsync(conn, tx, (Values(RegistryColumns.EkisCode, RegistryColumns.ParentEkisCode),
            Values(RegistryColumns.Inn), Values(RegistryColumns.Okpo)), ct);
    }

    private static async Task<RegistrySnapshot> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx,
        (string[] Codes, string[] Inns, string[] Okpos)? only, CancellationToken ct)
    {
        var units = new List<Unit>();
        await using (var cmd = new NpgsqlCommand(SqlResource.Feature("Registry", "RegistrySnapshot.sql"), conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter("codes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)only?.Codes ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter("inns", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = only?.Inns ?? [] });
            cmd.Parameters.Add(new NpgsqlParameter("okpos", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = only?.Okpos ?? [] });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var c in RegistryColumns.All)
                {
                    var ordinal = reader.GetOrdinal(c.Name);
                    fields[c.Name] = reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
                }
                var nameOrdinal = reader.GetOrdinal("municipality_name");
                units.Add(new Unit(reader.GetInt64(0), reader.GetString(1), fields,
                    reader.IsDBNull(nameOrdinal) ? null : reader.GetString(nameOrdinal)));
            }
        }
        var groups = await conn.QueryAsync<string>(new CommandDefinition("SELECT code FROM ekis.org_group", transaction: tx, cancellationToken: ct));
        return new RegistrySnapshot(units, groups.ToHashSet(StringComparer.OrdinalIgnoreCase));
    }
}
