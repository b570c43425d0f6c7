using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Features.Demo;

/// <summary>
/// Loads the demo region (db/seed/*.sql, embedded). Every script is idempotent: running it again
/// inserts nothing that is already there, so seeding twice never duplicates a row.
/// </summary>
public sealed class SeedDemo(NpgsqlDataSource db)
{
    private const string ResourcePrefix = "db.seed.";

    public sealed record Result(int Inserted, IReadOnlyList<string> Scripts);

    public async Task<Result> RunAsync(Actor actor, CancellationToken ct = default)
    {
        var asm = typeof(SeedDemo).Assembly;
        var scripts = asm.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();

        await using var tx = await db.BeginAsAsync(actor, ct);
        var inserted = 0;
        foreach (var name in scripts)
        {
            using var reader = new StreamReader(asm.GetManifestResourceStream(name)!);
            var sql = await reader.ReadToEndAsync(ct);
            // Seed statements are "INSERT ... ON CONFLICT DO NOTHING RETURNING 1": the rows they
            // return are the rows they inserted.
            await using var cmd = new NpgsqlCommand(sql, tx.Connection, tx.Transaction);
            await using var reader2 = await cmd.ExecuteReaderAsync(ct);
            do
            {
                while (await reader2.ReadAsync(ct)) inserted++;
            } while (await reader2.NextResultAsync(ct));
        }
        await tx.CommitAsync(ct);
        return new Result(inserted, scripts);
    }
}
