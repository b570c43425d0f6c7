using Dapper;
using EKIS.Reporting.Infrastructure.Database;
using C = EKIS.Reporting.Features.Registry.RegistryColumns;

namespace EKIS.Reporting.Features.Registry;

/// <summary>Writes a checked plan inside the caller's transaction (organisations before their branches).</summary>
internal static class RegistryWriter
{
    internal sealed record Counts(int Created, int Updated, int Unchanged);

    private sealed record Written(long Id, bool Inserted);

    public static async Task<Counts> ApplyAsync(ActorTransaction tx, IReadOnlyList<RegistryPlanner.Planned> units, string reason, CancellationToken ct)
    {
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            "SELECT set_config('ekis.change_reason', @reason, true)", new { reason }, tx.Transaction, cancellationToken: ct));
        int created = 0, updated = 0, unchanged = 0;
        foreach (var u in units)
        {
            var f = u.Fields;
            var written = await tx.Connection.QuerySingleOrDefaultAsync<Written>(new CommandDefinition(RegistrySql.Get("UpsertUnit.sql"), new
            {
                ParentCode = u.Level == "branch" ? u.ParentCode : u.MunicipalityCode,
                u.Level,
                EkisCode = u.Code,
                Name = f[C.Name],
                ShortName = f[C.ShortName],
                Kind = f[C.Kind],
                LegalStatus = f[C.LegalStatus],
                Inn = f[C.Inn],
                Kpp = f[C.Kpp],
                Ogrn = f[C.Ogrn],
                Okpo = f[C.Okpo],
                Oktmo = f[C.Oktmo],
                Okfs = f[C.Okfs],
                Okopf = f[C.Okopf],
                Address = f[C.Address],
                ActualAddress = f[C.ActualAddress],
                Urban = f[C.Urban] switch { "urban" => true, "rural" => (bool?)false, _ => null },
                Director = f[C.Director],
                Phone = f[C.Phone],
                Email = f[C.Email],
                Website = f[C.Website],
                Status = f[C.Status],
                OpenedOn = f[C.OpenedOn],
                ClosedOn = f[C.ClosedOn],
            }, tx.Transaction, cancellationToken: ct));
            if (written is null) unchanged++;
            else if (written.Inserted) created++;
            else updated++;

            if (u.Groups is not null)
            {
                var codes = u.Groups.Select(g => g.ToLowerInvariant()).ToArray();
                await tx.Connection.ExecuteAsync(new CommandDefinition("""
                    DELETE FROM ekis.org_group_member gm USING ekis.org_group g, ekis.org_unit o
                    WHERE gm.group_id = g.id AND gm.org_unit_id = o.id AND o.ekis_code = @code AND NOT (lower(g.code) = ANY(@codes));
                    INSERT INTO ekis.org_group_member (group_id, org_unit_id)
                    SELECT g.id, o.id FROM ekis.org_group g, ekis.org_unit o
                    WHERE o.ekis_code = @code AND lower(g.code) = ANY(@codes)
                    ON CONFLICT DO NOTHING;
                    """, new { code = u.Code, codes }, tx.Transaction, cancellationToken: ct));
            }
        }
        return new Counts(created, updated, unchanged);
    }
}
