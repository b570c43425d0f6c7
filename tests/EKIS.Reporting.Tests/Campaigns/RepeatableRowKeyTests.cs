using EKIS.Reporting.Features.Reports;

namespace EKIS.Reporting.Tests.Campaigns;

/// <summary>
/// Key values of repeatable rows come from the template's dictionary: a request cannot invent row
/// instances (each would take a cell id of the region-wide dictionary and show as a junk row).
/// </summary>
public sealed class RepeatableRowKeyTests : CampaignTest
{
    private async Task<long> ReportAsync() => (await Start.StartAsync(Director, As(Director), CampaignId, School1))!.Value;

    private static Task<long> CellCountAsync() => ScalarAsync<long>("SELECT count(*) FROM ekis.template_cell");

    [Test]
    public async Task A_key_from_the_dictionary_is_saved()
    {
        var id = await ReportAsync();
        var saved = await Save.SaveAsync(Director, As(Director), new(id, 1, [new CellValue("2", "01", "3", "3", S1: "5")]));
        Assert.That(saved.Ok, Is.True, saved.Message);
    }

    [TestCase("99", "нет в справочнике")]
    [TestCase("<script>", "нет в справочнике")]
    public async Task A_key_outside_the_dictionary_is_refused_and_no_cell_is_created(string key, string message)
    {
        var id = await ReportAsync();
        var cells = await CellCountAsync();
        var saved = await Save.SaveAsync(Director, As(Director), new(id, 1, [new CellValue("2", "01", "3", "3", S1: key)]));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(saved.Outcome, Is.EqualTo(SaveValues.Outcome.Invalid));
            Assert.That(saved.Errors!.Single().Message, Does.Contain(message));
            Assert.That(await CellCountAsync(), Is.EqualTo(cells), "no cell id spent on the refused key");
        });
    }

    [Test]
    public async Task Too_long_keys_and_keys_in_slots_the_section_does_not_have_are_refused()
    {
        var id = await ReportAsync();
        var saved = await Save.SaveAsync(Director, As(Director), new(id, 1,
        [
            new CellValue("2", "01", "3", "3", S1: new string('7', SaveValues.MaxKeyLength + 1)),
            new CellValue("2", "01", "4", "3", S1: "5", S2: "x"),
        ]));
        Assert.That(saved.Outcome, Is.EqualTo(SaveValues.Outcome.Invalid));
        Assert.That(saved.Errors!.Select(e => e.Message), Has.Some.Contain("длиннее").And.Some.Contain("нет ключевого значения s2"));
    }
}
