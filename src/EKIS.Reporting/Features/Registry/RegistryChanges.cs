using Dapper;
using EKIS.Reporting.Infrastructure.Database;

namespace EKIS.Reporting.Features.Registry;

/// <summary>What the history trigger reads from the transaction: the date a change takes effect and why.</summary>
internal static class RegistryChanges
{
    public static Task SetEffectiveOnAsync(ActorTransaction tx, DateOnly on, CancellationToken ct) =>
        tx.Connection.ExecuteAsync(new CommandDefinition("SELECT set_config('ekis.effective_on', @on, true)",
            new { on = RegistryColumns.FormatDate(on) }, tx.Transaction, cancellationToken: ct));

    public static Task SetReasonAsync(ActorTransaction tx, string reason, CancellationToken ct) =>
        tx.Connection.ExecuteAsync(new CommandDefinition("SELECT set_config('ekis.change_reason', @reason, true)",
            new { reason }, tx.Transaction, cancellationToken: ct));
}
