namespace EKIS.Reporting.Tests.Support;

/// <summary>
/// A test whose prerequisite (a server program, a browser, root) is missing fails under CI=true
/// and is skipped only on a developer's machine — never a silent skip on CI.
/// </summary>
public static class Prerequisites
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void IgnoreExceptOnCi(string missing)
    {
        var message = $"Prerequisite missing: {missing}";
        if (IsCi) Assert.Fail(message + " (CI=true: a missing prerequisite is a failure)");
        Assert.Ignore(message); // IgnoreExceptOnCi: only reached locally
    }
}
