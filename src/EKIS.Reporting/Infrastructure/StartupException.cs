namespace EKIS.Reporting.Infrastructure;

/// <summary>
/// A failure at start-up that an operator can fix (no database, wrong connection string, missing
/// server binaries). Hosts log its message as one line and exit non-zero, without a stack trace.
/// </summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
