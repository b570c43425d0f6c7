using EKIS.Reporting.Features.Campaigns;
using EKIS.Reporting.Tests.Support;

namespace EKIS.Reporting.Tests.Campaigns;

/// <summary>
/// Issue 10, point 10: the campaign progress workbook writes names that a spreadsheet could take for a
/// formula as literal text, with the same rule as the registry export; counts and versions stay numbers.
/// </summary>
public sealed class ProgressWorkbookTests
{
    private static readonly string[] Hostile =
        ["=1+1", "+HYPERLINK(\"http://evil.example\";\"x\")", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "＝1+1", "＋1", "－1", "＠SUM(A1)", "\t=1", "\r=2"];

    private static byte[] Write(IReadOnlyList<string> municipalityNames, IReadOnlyList<string> respondentNames)
    {
        var campaign = new CampaignList.Row(1, "ОО-1", "OO-1", "1", 2026, "0", new DateOnly(2026, 10, 1), "open", 1, 1, 1, 0, 0, 0);
        var municipalities = municipalityNames.Select((name, i) => new CampaignProgress.Municipality(i + 1, name, 3, 1, 0, 0, 0, -2)).ToList();
        var respondents = respondentNames.Select((name, i) => new CampaignProgress.Respondent(100 + i, $"{100 + i}", name, 1, municipalityNames[0],
            null, 2, "submitted", new DateOnly(2026, 9, 30), new DateOnly(2026, 10, 1), true, false)).ToList();
        var progress = new CampaignProgress.Result(municipalities, []) { Respondents = respondents, Today = new DateOnly(2026, 10, 2) };
        using var ms = new MemoryStream();
        ProgressWorkbook.Write(ms, campaign, progress, s => s ?? "не начат");
        return ms.ToArray();
    }

    [Test]
    public void Names_that_start_like_a_formula_are_written_as_literal_text_and_numbers_stay_numbers()
    {
        var bytes = Write(Hostile, [.. Hostile, "Школа № 1"]);
        Assert.That(WorkbookCells.SchemaErrors(bytes), Is.Empty, "nothing Excel would repair");
        var municipalities = WorkbookCells.Read(bytes, "Муниципалитеты");
        var respondents = WorkbookCells.Read(bytes, "Организации");

        Assert.Multiple(() =>
        {
            for (var i = 0; i < Hostile.Length; i++)
            {
                foreach (var cell in new[] { municipalities[$"A{i + 2}"], respondents[$"C{i + 2}"] })
                {
                    // XML reads a CR in text back as LF (line-end normalisation); the sign that matters is what follows it.
                    Assert.That(cell.Value, Is.EqualTo(Hostile[i].Replace('\r', '\n')), $"{cell.Reference} keeps the value");
                    Assert.That(cell.IsString && !cell.HasFormula, Is.True, $"{cell.Reference} is a string cell, never a formula");
                    Assert.That(cell.QuotePrefix, Is.True, $"{cell.Reference} ({Hostile[i]}) carries the quote prefix");
                    Assert.That(cell.NumberFormatId, Is.EqualTo(WorkbookCells.TextFormat), $"{cell.Reference} ({Hostile[i]}) is formatted as text");
                }
            }
            var plain = respondents[$"C{Hostile.Length + 2}"];
            Assert.That(plain.IsString && !plain.QuotePrefix, Is.True, "an ordinary name is an ordinary text cell");

            var expected = municipalities["B2"];
            var overdue = municipalities["G2"];
            var version = respondents["E2"];
            Assert.That(expected.IsNumber && expected.Value == "3", Is.True, "a count is a number");
            Assert.That(overdue.IsNumber && overdue.Value == "-2" && !overdue.QuotePrefix, Is.True, "a negative number is a number, not text");
            Assert.That(version.IsNumber && version.Value == "2", Is.True, "a version is a number");
        });
    }
}
