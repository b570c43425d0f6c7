using Dapper;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// The hierarchy as it was on a date (a report is consolidated by the tree of its reference date),
/// rebuilt from the org units' history.
/// </summary>
public sealed class RegistryTree(NpgsqlDataSource db)
{
    public sealed record Node(long Id, long? ParentId, string Level, string EkisCode, string Name, string? ShortName, string? Kind, string Status);

    public sealed record Result(DateOnly On, IReadOnlyList<Node> Nodes)
    {
        public IEnumerable<Node> ChildrenOf(long id) => Nodes.Where(n => n.ParentId == id);
        public Node? ByCode(string code) => Nodes.FirstOrDefault(n => n.EkisCode == code);

        /// <summary>The municipality a respondent belonged to on that date.</summary>
        public Node? MunicipalityOf(string code)
        {
            var node = ByCode(code);
            while (node is not null && node.Level != "municipality")
                node = node.ParentId is { } p ? Nodes.FirstOrDefault(n => n.Id == p) : null;
            return node;
        }
    }

    public async Task<Result> AsOfAsync(DateOnly on, bool includeClosed = false, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var nodes = await conn.QueryAsync<Node>(new CommandDefinition(SqlResource.Feature("Registry", "RegistryTree.sql"),
            new { on = RegistryColumns.FormatDate(on), includeClosed }, cancellationToken: ct));
        return new Result(on, nodes.ToList());
    }
}
