using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using EKIS.Reporting.Infrastructure.Files;
using Npgsql;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Loads organisations and branches from a CSV or XLSX file. A dry run reports every problem and
/// writes nothing; applying checks the same way and writes all rows in one transaction, or none.
/// An XLSX is unpacked within <paramref name="zipLimits"/> (configuration <c>Uploads:Zip</c>).
/// </summary>
public sealed class ImportRegistry(NpgsqlDataSource db, ZipLimits? zipLimits = null)
{
    private const int AnalyzeAfter = 1000;

    public sealed record Result(string? Unusable, IReadOnlyList<RegistryProblem> Problems, int Rows, int Created, int Updated, int Unchanged, bool Applied)
    {
        public bool IsClean => Unusable is null && Problems.Count == 0;
    }

    public async Task<Result> DryRunAsync(byte[] file, string fileName, CancellationToken ct = default)
    {
        var content = RegistryFile.Read(file, fileName, zipLimits);
        if (content.Unusable is not null) return new Result(content.Unusable, [], 0, 0, 0, 0, false);
        await using var conn = await db.OpenConnectionAsync(ct);
        var snapshot = await RegistrySnapshot.LoadAsync(conn, null, ct);
        var plan = RegistryPlanner.Build(content.Rows, snapshot);
        var problems = Merge(content.Problems, plan.Problems);
        return new Result(null, problems, content.Rows.Count,
            plan.Units.Count(u => u.IsNew), plan.Units.Count(u => !u.IsNew), 0, false);
    }

    /// <summary>One message per cell: a cell the file reader refused (a formula) is not reported again by the checks.</summary>
    private static List<RegistryProblem> Merge(IReadOnlyList<RegistryProblem> fromFile, IReadOnlyList<RegistryProblem> fromPlan)
    {
        var cells = fromFile.Select(p => (p.Row, p.Column)).ToHashSet();
        return fromFile.Concat(fromPlan.Where(p => !cells.Contains((p.Row, p.Column)))).OrderBy(p => p.Row ?? 0).ToList();
    }

    public async Task<Result> ApplyAsync(byte[] file, string fileName, Actor actor, CancellationToken ct = default)
    {
        var content = RegistryFile.Read(file, fileName, zipLimits);
        if (content.Unusable is not null) return new Result(content.Unusable, [], 0, 0, 0, 0, false);

        await using var tx = await db.BeginAsAsync(actor, ct);
        // One import at a time: the plan is checked against the registry it will be written to.
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE ekis.org_unit IN SHARE ROW EXCLUSIVE MODE", tx.Connection, tx.Transaction))
            await lockCmd.ExecuteNonQueryAsync(ct);
        var snapshot = await RegistrySnapshot.LoadAsync(tx.Connection, tx.Transaction, ct);
        var plan = RegistryPlanner.Build(content.Rows, snapshot);
        var problems = Merge(content.Problems, plan.Problems);
        if (problems.Count > 0)
            return new Result(null, problems, content.Rows.Count, 0, 0, 0, false);

        var counts = await RegistryWriter.ApplyAsync(tx, plan.Units, "import", ct);
        // One event per affected open campaign, naming every unit the import touched.
        await RegistryEvents.AppendForTransactionAsync(tx, RegistryEvents.Import, ct);
        await tx.CommitAsync(ct);
        if (counts.Created + counts.Updated >= AnalyzeAfter)
        {
            // A bulk load changes the table's statistics at once; autovacuum would notice within a
            // minute, but until then the search would plan for the registry as it was before.
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var analyze = new NpgsqlCommand("ANALYZE ekis.org_unit", conn);
            await analyze.ExecuteNonQueryAsync(ct);
        }
        return new Result(null, [], content.Rows.Count, counts.Created, counts.Updated, counts.Unchanged, true);
    }
}
