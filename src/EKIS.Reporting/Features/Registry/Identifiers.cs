using System.Globalization;

namespace EKIS.Reporting.Features.Registry;

/// <summary>
/// Russian state identifiers with their real check algorithms. Each check returns null when the
/// value is valid, else a Russian message that says what is wrong (shown to people as it is).
/// Values are checked as given: callers trim them; no other normalisation happens here.
/// </summary>
public static class Identifiers
{
    private static readonly int[] Inn10Weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    private static readonly int[] Inn12FirstWeights = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
    private static readonly int[] Inn12SecondWeights = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

    /// <summary>ИНН of an organisation: 10 digits, the last is a weighted control digit.</summary>
    public static string? CheckOrganisationInn(string value)
    {
        if (Shape(value, "ИНН") is { } shape) return shape;
        if (value.Length == 12)
            return "Указан 12-значный ИНН физического лица или индивидуального предпринимателя; ИНН организации состоит из 10 цифр.";
        if (value.Length != 10)
            return $"ИНН организации должен состоять из 10 цифр, указано цифр: {value.Length}.";
        if (value.StartsWith("00", StringComparison.Ordinal))
            return "ИНН не может начинаться с 00: первые две цифры — код региона.";
        var expected = WeightedMod11(value, Inn10Weights);
        return Digit(value, 9) == expected ? null : ControlMessage("ИНН", expected, value[9]);
    }

    /// <summary>ИНН of a person: 12 digits, the last two are control digits.</summary>
    public static string? CheckPersonInn(string value)
    {
        if (Shape(value, "ИНН") is { } shape) return shape;
        if (value.Length != 12)
            return $"ИНН физического лица должен состоять из 12 цифр, указано цифр: {value.Length}.";
        if (value.StartsWith("00", StringComparison.Ordinal))
            return "ИНН не может начинаться с 00: первые две цифры — код региона.";
        var first = WeightedMod11(value, Inn12FirstWeights);
        if (Digit(value, 10) != first)
            return $"Неверное первое контрольное число ИНН (11-я цифра): по алгоритму должна быть {first}, указана {value[10]}. Проверьте, не допущена ли опечатка.";
        var second = WeightedMod11(value, Inn12SecondWeights);
        if (Digit(value, 11) != second)
            return $"Неверное второе контрольное число ИНН (12-я цифра): по алгоритму должна быть {second}, указана {value[11]}. Проверьте, не допущена ли опечатка.";
        return null;
    }

    /// <summary>ОГРН of a legal entity: 13 digits; the last is (the first 12 as a number mod 11) mod 10.</summary>
    public static string? CheckOgrn(string value)
    {
        if (Shape(value, "ОГРН") is { } shape) return shape;
        if (value.Length == 15)
            return "Указан 15-значный ОГРНИП индивидуального предпринимателя; ОГРН организации состоит из 13 цифр.";
        if (value.Length != 13)
            return $"ОГРН должен состоять из 13 цифр, указано цифр: {value.Length}.";
        if (value[0] is not ('1' or '5'))
            return $"ОГРН юридического лица начинается с 1 или 5, указано «{value[0]}».";
        var expected = (int)(long.Parse(value.AsSpan(0, 12), CultureInfo.InvariantCulture) % 11 % 10);
        return Digit(value, 12) == expected ? null : ControlMessage("ОГРН", expected, value[12]);
    }

    /// <summary>
    /// ОКПО: 8 digits (organisation) or 10 (individual entrepreneur) with a control digit computed
    /// with weights 1, 2, 3… and, when the remainder is 10, again with weights 3, 4, 5…; a separate
    /// subdivision's 14-digit code is a valid 8-digit ОКПО followed by 6 digits.
    /// </summary>
    public static string? CheckOkpo(string value)
    {
        if (Shape(value, "ОКПО") is { } shape) return shape;
        switch (value.Length)
        {
            case 8:
            case 10:
                var expected = OkpoControl(value.AsSpan(0, value.Length - 1));
                return Digit(value, value.Length - 1) == expected ? null : ControlMessage("ОКПО", expected, value[^1]);
            case 14:
                var head = value[..8];
                var expectedHead = OkpoControl(head.AsSpan(0, 7));
                return Digit(head, 7) == expectedHead
                    ? null
                    : $"Код ОКПО обособленного подразделения (14 цифр) начинается с ОКПО организации (8 цифр), а в «{head}» неверна контрольная цифра: по алгоритму должна быть {expectedHead}, указана {head[7]}.";
            default:
                return $"ОКПО должен состоять из 8 цифр (организация), 10 цифр (индивидуальный предприниматель) или 14 цифр (обособленное подразделение), указано цифр: {value.Length}.";
        }
    }

    /// <summary>КПП: 9 characters — 4 digits (tax office), 2 digits or capital Latin letters (reason), 3 digits.</summary>
    public static string? CheckKpp(string value)
    {
        if (value.Length == 0) return "КПП не указан.";
        if (value.Length != 9)
            return $"КПП должен состоять из 9 символов, указано символов: {value.Length}.";
        for (var i = 0; i < 9; i++)
        {
            var c = value[i];
            var reasonPart = i is 4 or 5;
            if (char.IsAsciiDigit(c)) continue;
            if (reasonPart && char.IsAsciiLetterUpper(c)) continue;
            if (reasonPart && char.IsAsciiLetterLower(c))
                return $"В КПП допускаются только заглавные латинские буквы (5-й и 6-й знаки), указано «{c}».";
            if (reasonPart && c is >= 'А' and <= 'я' or 'Ё' or 'ё')
                return $"В КПП указана русская буква «{c}»: в 5-м и 6-м знаках допускаются цифры или заглавные латинские буквы.";
            return reasonPart
                ? $"{i + 1}-й знак КПП — «{c}»: в 5-м и 6-м знаках допускаются цифры или заглавные латинские буквы."
                : $"{i + 1}-й знак КПП — «{c}»: на этом месте допускается только цифра (КПП: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры).";
        }
        return null;
    }

    /// <summary>ОКТМО: 8 digits (municipality) or 11 (settlement).</summary>
    public static string? CheckOktmo(string value)
    {
        if (Shape(value, "ОКТМО") is { } shape) return shape;
        return value.Length is 8 or 11
            ? null
            : $"ОКТМО должен состоять из 8 или 11 цифр, указано цифр: {value.Length}.";
    }

    /// <summary>ОКФС: 2 digits.</summary>
    public static string? CheckOkfs(string value)
    {
        if (Shape(value, "ОКФС") is { } shape) return shape;
        return value.Length == 2 ? null : $"Код ОКФС состоит из 2 цифр, указано цифр: {value.Length}.";
    }

    /// <summary>ОКОПФ: 5 digits.</summary>
    public static string? CheckOkopf(string value)
    {
        if (Shape(value, "ОКОПФ") is { } shape) return shape;
        return value.Length == 5 ? null : $"Код ОКОПФ состоит из 5 цифр, указано цифр: {value.Length}.";
    }

    /// <summary>The control digit of an ОКПО body (all digits but the last), with the second pass.</summary>
    public static int OkpoControl(ReadOnlySpan<char> body)
    {
        var r = OkpoRemainder(body, firstWeight: 1);
        if (r < 10) return r;
        r = OkpoRemainder(body, firstWeight: 3);
        return r < 10 ? r : 0;
    }

    /// <summary>The control digit of a 10-digit ИНН body (its first 9 digits).</summary>
    public static int Inn10Control(ReadOnlySpan<char> body) => WeightedMod11(body, Inn10Weights);

    /// <summary>The two control digits of a 12-digit ИНН body (its first 10 digits).</summary>
    public static (int First, int Second) Inn12Controls(ReadOnlySpan<char> body)
    {
        Span<char> eleven = stackalloc char[11];
        body.CopyTo(eleven);
        var first = WeightedMod11(body, Inn12FirstWeights);
        eleven[10] = (char)('0' + first);
        return (first, WeightedMod11(eleven, Inn12SecondWeights));
    }

    /// <summary>The control digit of an ОГРН body (its first 12 digits).</summary>
    public static int OgrnControl(ReadOnlySpan<char> body) =>
        (int)(long.Parse(body, CultureInfo.InvariantCulture) % 11 % 10);

    private static int OkpoRemainder(ReadOnlySpan<char> body, int firstWeight)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            // Weights run 1..10 and start again at 1 for longer codes; the second pass starts at 3.
            var weight = (firstWeight - 1 + i) % 10 + 1;
            sum += (body[i] - '0') * weight;
        }
        return sum % 11;
    }

    private static int WeightedMod11(ReadOnlySpan<char> digits, int[] weights)
    {
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
            sum += (digits[i] - '0') * weights[i];
        return sum % 11 % 10;
    }

    private static int Digit(string value, int index) => value[index] - '0';

    private static string? Shape(string value, string name)
    {
        if (value.Length == 0) return $"{name} не указан.";
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c)) continue;
            return char.IsWhiteSpace(c)
                ? $"{name} содержит пробел: допускаются только цифры, без пробелов и разделителей."
                : $"{name} содержит недопустимый символ «{c}»: допускаются только цифры.";
        }
        return null;
    }

    private static string ControlMessage(string name, int expected, char actual) =>
        $"Неверное контрольное число {name}: последняя цифра по алгоритму должна быть {expected}, указана {actual}. Проверьте, не допущена ли опечатка.";
}
