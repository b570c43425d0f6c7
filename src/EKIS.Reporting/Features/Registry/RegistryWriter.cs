using Dapper;
using EKIS.Reporting.Infrastructure.Database;
using NpgsqlTypes;
using C = EKIS.Reporting.Features.Registry.RegistryColumns;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Writes a checked plan inside the caller's transaction: the rows go by binary COPY into a
/// temporary staging table and from there into the registry with one set-based statement per level
/// (organisations before their branches), so 40,000 rows cost a few statements, not 40,000.
/// </summary>
internal static class RegistryWriter
{
    internal sealed record Counts(int Created, int Updated, int Unchanged);

    private sealed record Written(int Created, int Updated);

    // The staged text columns, in the order of StageUnits.sql after row_no, level and parent_code.
    private static readonly string[] TextColumns =
        [C.EkisCode, C.Name, C.ShortName, C.Kind, C.LegalStatus, C.Inn, C.Kpp, C.Ogrn, C.Okpo, C.Oktmo, C.Okfs, C.Okopf, C.Address, C.ActualAddress];

    private static readonly string[] ContactColumns = [C.Director, C.Phone, C.Email, C.Website, C.Status];

    public static async Task<Counts> ApplyAsync(ActorTransaction tx, IReadOnlyList<RegistryPlanner.Planned> units, string reason, CancellationToken ct)
    {
        var conn = tx.Connection;
        await conn.ExecuteAsync(new CommandDefinition(
            "SELECT set_config('ekis.change_reason', @reason, true)", new { reason }, tx.Transaction, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(SqlResource.Feature("Registry", "StageUnits.sql"), transaction: tx.Transaction, cancellationToken: ct));

        await using (var importer = await conn.BeginBinaryImportAsync("""
            COPY registry_stage (row_no, level, parent_code, ekis_code, name, short_name, kind, legal_status, inn, kpp, ogrn, okpo,
                                 oktmo, okfs, okopf, address, actual_address, urban, director, phone, email, website, status,
                                 opened_on, closed_on, has_groups, groups) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            foreach (var u in units)
            {
                var f = u.Fields;
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(u.Row, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(u.Level, NpgsqlDbType.Text, ct);
                await WriteTextAsync(importer, u.Level == "branch" ? u.ParentCode : u.MunicipalityCode, ct);
                foreach (var column in TextColumns) await WriteTextAsync(importer, f[column], ct);
                if (f[C.Urban] switch { "urban" => true, "rural" => (bool?)false, _ => null } is { } urban)
                    await importer.WriteAsync(urban, NpgsqlDbType.Boolean, ct);
                else await importer.WriteNullAsync(ct);
                foreach (var column in ContactColumns) await WriteTextAsync(importer, f[column], ct);
                await WriteDateAsync(importer, f[C.OpenedOn], ct);
                await WriteDateAsync(importer, f[C.ClosedOn], ct);
                await importer.WriteAsync(u.Groups is not null, NpgsqlDbType.Boolean, ct);
                if (u.Groups is not null)
                    await importer.WriteAsync(u.Groups.Select(g => g.ToLowerInvariant()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                else await importer.WriteNullAsync(ct);
            }
            await importer.CompleteAsync(ct);
        }

        int created = 0, updated = 0;
        foreach (var level in new[] { "organisation", "branch" })
        {
            if (units.All(u => u.Level != level)) continue;
            var written = await conn.QuerySingleAsync<Written>(new CommandDefinition(
                SqlResource.Feature("Registry", "ApplyStagedUnits.sql"), new { level }, tx.Transaction, cancellationToken: ct));
            created += written.Created;
            updated += written.Updated;
        }
        if (units.Any(u => u.Groups is not null))
            await conn.ExecuteAsync(new CommandDefinition(SqlResource.Feature("Registry", "ApplyStagedGroups.sql"), transaction: tx.Transaction, cancellationToken: ct));
        return new Counts(created, updated, units.Count - created - updated);
    }

    private static Task WriteTextAsync(Npgsql.NpgsqlBinaryImporter importer, string? value, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct) : importer.WriteAsync(value, NpgsqlDbType.Text, ct);

    private static Task WriteDateAsync(Npgsql.NpgsqlBinaryImporter importer, string? value, CancellationToken ct) =>
        value is null ? importer.WriteNullAsync(ct)
            : importer.WriteAsync(DateOnly.ParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType.Date, ct);
}
