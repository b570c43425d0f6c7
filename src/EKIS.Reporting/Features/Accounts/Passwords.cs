using Microsoft.AspNetCore.Identity;

namespace EKIS.Reporting.Features.Accounts;

/// <summary>Password hashing (ASP.NET Core's PBKDF2 PasswordHasher) and the password rules.</summary>
public static class Passwords
{
    private static readonly PasswordHasher<object> Hasher = new();
    private static readonly object Subject = new();

    // Verified when the login does not exist, so that a wrong login costs as long as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(Subject, Guid.NewGuid().ToString()));

    public const int MinLength = 8;

    public static string Hash(string password) => Hasher.HashPassword(Subject, password);

    public static PasswordVerificationResult Verify(string? hash, string password)
    {
        if (string.IsNullOrEmpty(hash))
        {
            Hasher.VerifyHashedPassword(Subject, DummyHash.Value, password);
            return PasswordVerificationResult.Failed;
        }
        try
        {
            return Hasher.VerifyHashedPassword(Subject, hash, password);
        }
        catch (FormatException)
        {
            return PasswordVerificationResult.Failed;
        }
    }

    /// <summary>Null when acceptable, else the reason in Russian.</summary>
    public static string? Problem(string? password, string? login = null)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength)
            return $"Пароль должен содержать не менее {MinLength} символов.";
        if (password.Length > 128)
            return "Пароль не должен быть длиннее 128 символов.";
        if (!password.Any(char.IsLetter) || !password.Any(char.IsDigit))
            return "Пароль должен содержать и буквы, и цифры.";
        if (login is not null && password.Contains(login, StringComparison.OrdinalIgnoreCase))
            return "Пароль не должен содержать логин.";
        return null;
    }
}
