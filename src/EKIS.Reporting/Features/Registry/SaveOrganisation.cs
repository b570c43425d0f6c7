using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;
using C = EKIS.Reporting.Features.Registry.RegistryColumns;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Creates or updates one organisation card (by ЕКИС code) with the same checks as the import:
/// fields, identifiers, parent, uniqueness. Fields left null keep their current value on update.
/// It plans against the part of the registry one card can touch (<see cref="RegistrySnapshot.LoadForAsync"/>),
/// not the whole registry.
/// </summary>
public sealed class SaveOrganisation(NpgsqlDataSource db)
{
    /// <summary>The card as a form sends it: canonical column -> text; "" clears a field, a missing key keeps it.</summary>
    public sealed record Command(IReadOnlyDictionary<string, string> Fields, DateOnly? EffectiveOn = null);

    public sealed record Result(IReadOnlyList<RegistryProblem> Problems, bool Created)
    {
        public bool Saved => Problems.Count == 0;
    }

    /// <summary>The problems saving would report, without writing anything (proposed changes are checked so).</summary>
    public async Task<IReadOnlyList<RegistryProblem>> CheckAsync(Command command, CancellationToken ct = default)
    {
        var unknown = command.Fields.Keys.Where(k => C.All.All(c => c.Name != k)).ToList();
        if (unknown.Count > 0)
            return unknown.Select(k => new RegistryProblem(null, k, $"Неизвестное поле «{k}».")).ToList();
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = new RegistryRow(0, command.Fields);
        var snapshot = await RegistrySnapshot.LoadForAsync(conn, null, row, ct);
        var plan = RegistryPlanner.Build([row], snapshot);
        return plan.Problems.Select(p => p with { Row = null }).ToList();
    }

    public async Task<Result> SaveAsync(Command command, Actor actor, CancellationToken ct = default)
    {
        var unknown = command.Fields.Keys.Where(k => C.All.All(c => c.Name != k)).ToList();
        if (unknown.Count > 0)
            return new Result(unknown.Select(k => new RegistryProblem(null, k, $"Неизвестное поле «{k}».")).ToList(), false);

        await using var tx = await db.BeginAsAsync(actor, ct);
        if (command.EffectiveOn is { } on)
            await RegistryChanges.SetEffectiveOnAsync(tx, on, ct);
        var row = new RegistryRow(0, command.Fields);
        var snapshot = await RegistrySnapshot.LoadForAsync(tx.Connection, tx.Transaction, row, ct);
        var plan = RegistryPlanner.Build([row], snapshot);
        var problems = plan.Problems.Select(p => p with { Row = null }).ToList();
        if (problems.Count > 0) return new Result(problems, false);
        var counts = await RegistryWriter.ApplyAsync(tx, plan.Units, "card", ct);
        await tx.CommitAsync(ct);
        return new Result([], counts.Created > 0);
    }
}
