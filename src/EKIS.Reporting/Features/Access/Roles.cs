namespace EKIS.Reporting.Features.Access;

/// <summary>The roles a person can hold, each bound to an org unit (an administrator's to none).</summary>
public static class Roles
{
    public const string Director = "director";
    public const string Employee = "employee";
    public const string MunicipalOperator = "municipal_operator";
    public const string RegionalAnalyst = "regional_analyst";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Director, Employee, MunicipalOperator, RegionalAnalyst, Admin];

    public static string Title(string role) => role switch
    {
        Director => "Руководитель организации",
        Employee => "Сотрудник организации",
        MunicipalOperator => "Оператор муниципалитета",
        RegionalAnalyst => "Аналитик департамента",
        Admin => "Администратор",
        _ => role,
    };

    /// <summary>The org unit level a role is assigned on (organisation roles may also sit on a branch).</summary>
    public static IReadOnlyList<string> UnitLevels(string role) => role switch
    {
        Director or Employee => ["organisation", "branch"],
        MunicipalOperator => ["municipality"],
        RegionalAnalyst => ["region"],
        _ => [],
    };
}

public static class Rights
{
    public const string Fill = "fill";
    public const string Submit = "submit";
    public static readonly IReadOnlyList<string> All = [Fill, Submit];

    public static string Title(string right) => right switch
    {
        Fill => "Заполнение форм",
        Submit => "Отправка отчётов",
        _ => right,
    };
}

/// <summary>
/// What the signed-in person may see and do now: their active role assignment.
/// Built from the session and checked against the database on every request.
/// </summary>
public sealed record AccessScope(long UserId, string UserName, long AssignmentId, string Role, long? OrgUnitId, string? OrgUnitName)
{
    public bool IsAdmin => Role == Roles.Admin;
    public bool IsRegional => Role is Roles.RegionalAnalyst or Roles.Admin;
    public bool IsSchool => Role is Roles.Director or Roles.Employee;
}
