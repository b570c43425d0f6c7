using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Tests.Support;
using static EKIS.Reporting.Tests.Registry.RegistryTestData;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>Issue 4: the organisation card, the tree's rules, history, moves, closures, merges, groups.</summary>
public sealed class OrganisationTests : DatabaseTest
{
    [SetUp]
    public Task CreateRegionAsync() => RegistryTestData.CreateRegionAsync(Db);

    private static SaveOrganisation Save => new(Db);
    private static ReorganiseOrganisation Reorganise => new(Db);

    [Test]
    public async Task Saving_a_valid_card_creates_the_organisation_and_records_who_did_it()
    {
        var school = await AnOrganisation().With("urban", "сельская").With("status", "действующая").SaveAsync(Db);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<string>("SELECT legal_status FROM ekis.org_unit WHERE ekis_code = $1", school.Code), Is.EqualTo("legal_entity"));
            Assert.That(await ScalarAsync<bool>("SELECT urban FROM ekis.org_unit WHERE ekis_code = $1", school.Code), Is.False);
            Assert.That(await ScalarAsync<string>("SELECT h.changed_by FROM ekis.org_unit_history h JOIN ekis.org_unit o ON o.id = h.org_unit_id WHERE o.ekis_code = $1", school.Code),
                Is.EqualTo("system:cli"));
        });
    }

    [Test]
    public async Task A_card_with_a_wrong_inn_control_digit_is_refused_and_nothing_is_written()
    {
        var card = AnOrganisation().With("inn", "7707083894").Build();
        var result = await Save.SaveAsync(new SaveOrganisation.Command(card), Actor.Cli);

        Assert.That(result.Problems.Single().Column, Is.EqualTo("inn"));
        Assert.That(result.Problems.Single().Message, Does.Contain("контрольное число ИНН"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit WHERE level = 'organisation'"), Is.Zero);
    }

    [Test]
    public async Task Two_legal_entities_cannot_share_an_inn_and_kpp_pair()
    {
        var first = await AnOrganisation().SaveAsync(Db);
        var card = AnOrganisation().With("inn", first.Inn).With("okpo", ValidOkpo(9_000_001)).Build();
        var result = await Save.SaveAsync(new SaveOrganisation.Command(card), Actor.Cli);

        Assert.That(result.Problems.Select(p => p.Column), Is.EquivalentTo(new[] { "kpp" }));
        Assert.That(result.Problems[0].Message, Does.Contain("ИНН + КПП").And.Contain(first.Code));
    }

    [Test]
    public async Task An_okpo_is_unique_among_respondents_in_the_card_and_in_the_database()
    {
        var first = await AnOrganisation().SaveAsync(Db);
        var second = await AnOrganisation().SaveAsync(Db);
        var okpo = (await ScalarAsync<string>("SELECT okpo FROM ekis.org_unit WHERE ekis_code = $1", first.Code))!;

        var result = await Save.SaveAsync(new SaveOrganisation.Command(AnOrganisation().With("okpo", okpo).Build()), Actor.Cli);
        var ex = Assert.ThrowsAsync<Npgsql.PostgresException>(() => ExecuteAsAsync(Actor.Cli,
            "UPDATE ekis.org_unit SET okpo = $1 WHERE ekis_code = $2", okpo, second.Code));

        Assert.That(result.Problems.Single().Column, Is.EqualTo("okpo"));
        Assert.That(ex!.SqlState, Is.EqualTo(Npgsql.PostgresErrorCodes.UniqueViolation));
    }

    [Test]
    public async Task A_branch_inherits_its_parents_inn_and_ogrn_and_may_not_have_others()
    {
        var school = await AnOrganisation().SaveAsync(Db);
        var branch = await AnOrganisation().BranchOf(school).SaveAsync(Db);

        Assert.That(await ScalarAsync<string>("SELECT inn FROM ekis.org_unit WHERE ekis_code = $1", branch.Code), Is.EqualTo(school.Inn));
        Assert.That(await ScalarAsync<string>("SELECT legal_status FROM ekis.org_unit WHERE ekis_code = $1", branch.Code), Is.EqualTo("branch"));

        var stranger = AnOrganisation().BranchOf(school, kpp: "500103001").With("inn", ValidInn(8_000_001)).Build();
        var result = await Save.SaveAsync(new SaveOrganisation.Command(stranger), Actor.Cli);
        Assert.That(result.Problems.Single().Message, Does.Contain("ИНН филиала должен совпадать"));
    }

    [Test]
    public async Task A_structural_unit_may_share_its_parents_kpp_but_a_branch_may_not()
    {
        var school = await AnOrganisation().SaveAsync(Db);
        await AnOrganisation().BranchOf(school, kpp: "500101001").With("legal_status", "структурное подразделение").SaveAsync(Db);

        var branch = AnOrganisation().BranchOf(school, kpp: "500101001").Build();
        var result = await Save.SaveAsync(new SaveOrganisation.Command(branch), Actor.Cli);
        Assert.That(result.Problems.Single().Column, Is.EqualTo("kpp"));
    }

    [Test]
    public async Task A_branch_cannot_hang_under_another_branch_or_itself()
    {
        var school = await AnOrganisation().SaveAsync(Db);
        var branch = await AnOrganisation().BranchOf(school).SaveAsync(Db);

        var under = await Save.SaveAsync(new SaveOrganisation.Command(AnOrganisation().BranchOf(branch, "500109001").Build()), Actor.Cli);
        var self = await Save.SaveAsync(new SaveOrganisation.Command(AnOrganisation().WithCode("X-1").With("parent_ekis_code", "X-1").Without("municipality").Build()), Actor.Cli);

        Assert.That(under.Problems.Select(p => p.Message), Has.Some.Contains("сам филиал"));
        Assert.That(self.Problems.Select(p => p.Message), Has.Some.Contains("цикл"));
    }

    [Test]
    public async Task An_update_changes_only_the_given_fields_and_records_old_and_new_values()
    {
        var school = await AnOrganisation().With("phone", "+7 (495) 123-45-67").SaveAsync(Db);
        var update = new Dictionary<string, string> { ["ekis_code"] = school.Code, ["director"] = "Иванова Мария Петровна" };
        var result = await Save.SaveAsync(new SaveOrganisation.Command(update), Actor.User(7, "Аналитик"));
        Assert.That(result.Problems, Is.Empty);

        var history = await new OrganisationHistory(Db).ForAsync(school.Code);
        var last = history[^1];
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<string>("SELECT phone FROM ekis.org_unit WHERE ekis_code = $1", school.Code), Is.EqualTo("+7 (495) 123-45-67"));
            Assert.That(last.ChangedBy, Is.EqualTo("user:7"));
            Assert.That(last.Fields, Is.EqualTo(new[] { new OrganisationHistory.FieldChange("director", null, "Иванова Мария Петровна") }));
        });
    }

    [Test]
    public async Task Saving_the_same_card_again_records_no_history()
    {
        var school = await AnOrganisation().SaveAsync(Db);
        await school.SaveAsync(Db);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.org_unit_history h JOIN ekis.org_unit o ON o.id = h.org_unit_id WHERE o.ekis_code = $1", school.Code),
            Is.EqualTo(1));
    }

    [Test]
    public async Task A_moved_organisation_keeps_its_id_and_the_tree_of_an_earlier_date_shows_its_old_municipality()
    {
        var school = await AnOrganisation().InMunicipality("M1").SaveAsync(Db);
        var id = await ScalarAsync<long>("SELECT id FROM ekis.org_unit WHERE ekis_code = $1", school.Code);

        var moved = await Reorganise.MoveAsync(school.Code, "M2", new DateOnly(2025, 9, 1), Actor.Cli);
        Assert.That(moved.Done, Is.True, moved.Problem);

        var tree = new RegistryTree(Db);
        var before = await tree.AsOfAsync(new DateOnly(2025, 8, 31));
        var after = await tree.AsOfAsync(new DateOnly(2025, 9, 1));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(before.MunicipalityOf(school.Code)?.EkisCode, Is.EqualTo("M1"));
            Assert.That(after.MunicipalityOf(school.Code)?.EkisCode, Is.EqualTo("M2"));
            Assert.That(await ScalarAsync<long>("SELECT id FROM ekis.org_unit WHERE ekis_code = $1", school.Code), Is.EqualTo(id));
        });
    }

    [Test]
    public async Task A_move_entered_late_with_an_earlier_date_holds_after_a_card_edit_recorded_before_it_and_cannot_precede_another_move()
    {
        var school = await AnOrganisation().InMunicipality("M1").SaveAsync(Db);
        // A card edit today: its history row (in force from today) still names M1 as the parent.
        var edit = await Save.SaveAsync(new SaveOrganisation.Command(new Dictionary<string, string> { ["ekis_code"] = school.Code, ["phone"] = "+7 (495) 000-00-01" }), Actor.Cli);
        Assert.That(edit.Problems, Is.Empty);
        var today = DateOnly.FromDateTime(DateTime.Today);

        var moved = await Reorganise.MoveAsync(school.Code, "M2", today.AddDays(-30), Actor.Cli);
        Assert.That(moved.Done, Is.True, moved.Problem);
        var earlier = await Reorganise.MoveAsync(school.Code, "M1", today.AddDays(-40), Actor.Cli);

        var tree = new RegistryTree(Db);
        var id = await ScalarAsync<long>("SELECT id FROM ekis.org_unit WHERE ekis_code = $1", school.Code);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await tree.AsOfAsync(today.AddDays(-31))).MunicipalityOf(school.Code)?.EkisCode, Is.EqualTo("M1"));
            Assert.That((await tree.AsOfAsync(today.AddDays(-30))).MunicipalityOf(school.Code)?.EkisCode, Is.EqualTo("M2"));
            Assert.That((await tree.AsOfAsync(today.AddDays(1))).MunicipalityOf(school.Code)?.EkisCode, Is.EqualTo("M2"), "the later card edit does not undo the move");
            Assert.That(await ScalarAsync<string>(
                "SELECT m.ekis_code FROM ekis.org_unit_state_on($1, $2) s JOIN ekis.org_unit m ON m.id = s.parent_id", id, today.AddDays(1)), Is.EqualTo("M2"));
            Assert.That(await ScalarAsync<string>(
                "SELECT m.ekis_code FROM ekis.tree_on($1) t JOIN ekis.org_unit m ON m.id = t.parent_id WHERE t.id = $2", today.AddDays(1), id), Is.EqualTo("M2"));
            Assert.That(earlier.Done, Is.False, "a move dated before the recorded one");
            Assert.That(earlier.Problem, Does.Contain("не может быть раньше"));
        });
    }

    [Test]
    public async Task An_organisation_opened_later_is_not_in_the_tree_of_an_earlier_date()
    {
        var school = await AnOrganisation().OpenedOn("01.09.2025").SaveAsync(Db);
        var tree = new RegistryTree(Db);
        Assert.That((await tree.AsOfAsync(new DateOnly(2025, 1, 1))).ByCode(school.Code), Is.Null);
        Assert.That((await tree.AsOfAsync(new DateOnly(2025, 9, 1))).ByCode(school.Code), Is.Not.Null);
    }

    [Test]
    public async Task A_closed_organisation_and_its_branches_leave_the_tree_from_the_closing_date()
    {
        var school = await AnOrganisation().SaveAsync(Db);
        var branch = await AnOrganisation().BranchOf(school).SaveAsync(Db);
        var closed = await Reorganise.CloseAsync(school.Code, new DateOnly(2025, 12, 31), Actor.Cli);
        Assert.That(closed.Done, Is.True, closed.Problem);

        var tree = new RegistryTree(Db);
        var before = await tree.AsOfAsync(new DateOnly(2025, 12, 30));
        var after = await tree.AsOfAsync(new DateOnly(2025, 12, 31));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(before.ByCode(school.Code), Is.Not.Null);
            Assert.That(before.ByCode(branch.Code), Is.Not.Null);
            Assert.That(after.ByCode(school.Code), Is.Null);
            Assert.That(after.ByCode(branch.Code), Is.Null);
            Assert.That((await tree.AsOfAsync(new DateOnly(2026, 1, 1), includeClosed: true)).ByCode(school.Code)?.Status, Is.EqualTo("closed"));
            Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.org_unit WHERE ekis_code = $1", branch.Code), Is.EqualTo("closed"));
        });
    }

    [Test]
    public async Task Merging_closes_the_absorbed_organisation_hands_its_branches_over_and_keeps_its_history()
    {
        var absorbed = await AnOrganisation().SaveAsync(Db);
        var branch = await AnOrganisation().BranchOf(absorbed).SaveAsync(Db);
        var survivor = await AnOrganisation().InMunicipality("M2").SaveAsync(Db);

        var merged = await Reorganise.MergeAsync(absorbed.Code, survivor.Code, new DateOnly(2026, 1, 1), Actor.Cli);
        Assert.That(merged.Done, Is.True, merged.Problem);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await ScalarAsync<string>("SELECT status FROM ekis.org_unit WHERE ekis_code = $1", absorbed.Code), Is.EqualTo("closed"));
            Assert.That(await ScalarAsync<string>("SELECT s.ekis_code FROM ekis.org_unit a JOIN ekis.org_unit s ON s.id = a.merged_into_id WHERE a.ekis_code = $1", absorbed.Code),
                Is.EqualTo(survivor.Code));
            Assert.That(await ScalarAsync<string>("SELECT p.ekis_code FROM ekis.org_unit b JOIN ekis.org_unit p ON p.id = b.parent_id WHERE b.ekis_code = $1", branch.Code),
                Is.EqualTo(survivor.Code));
            Assert.That((await new OrganisationHistory(Db).ForAsync(absorbed.Code)).Count, Is.GreaterThanOrEqualTo(2));
            var lastYear = await new RegistryTree(Db).AsOfAsync(new DateOnly(2025, 12, 31));
            Assert.That(lastYear.ByCode(absorbed.Code), Is.Not.Null);
            Assert.That(lastYear.ByCode(branch.Code)?.ParentId, Is.EqualTo(lastYear.ByCode(absorbed.Code)?.Id));
        });
    }

    [Test]
    public async Task An_organisation_in_two_groups_of_an_exclusive_set_is_listed_as_a_violation()
    {
        var a = await AnOrganisation().SaveAsync(Db);
        var b = await AnOrganisation().SaveAsync(Db);
        var groups = new RegistryGroups(Db);
        await groups.CreateSetAsync("locality", "Местность", exclusive: true, Actor.Cli);
        await groups.CreateSetAsync("profile", "Профиль", exclusive: false, Actor.Cli);
        await groups.CreateGroupAsync("urban", "Городские", "locality", Actor.Cli);
        await groups.CreateGroupAsync("rural", "Сельские", "locality", Actor.Cli);
        await groups.CreateGroupAsync("gymnasiums", "Гимназии и лицеи", "profile", Actor.Cli);
        await groups.CreateGroupAsync("inclusive", "Инклюзивные", "profile", Actor.Cli);
        await groups.AddAsync("urban", [a.Code, b.Code], Actor.Cli);
        await groups.AddAsync("rural", [b.Code], Actor.Cli);
        await groups.AddAsync("gymnasiums", [a.Code], Actor.Cli);
        await groups.AddAsync("inclusive", [a.Code], Actor.Cli);

        var violations = await groups.ViolationsAsync();
        Assert.That(violations.Select(v => (v.SetCode, v.EkisCode)), Is.EqualTo(new[] { ("locality", b.Code) }));
        Assert.That(violations[0].Groups, Is.EqualTo(new[] { "rural", "urban" }));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM ekis.audit_event WHERE action = 'group.add'"), Is.EqualTo(5));
    }

    [Test]
    public async Task An_update_without_an_author_is_refused_by_the_database()
    {
        var school = await AnOrganisation().SaveAsync(Db);
        await using var conn = await Db.OpenConnectionAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("UPDATE ekis.org_unit SET name = 'Другое' WHERE ekis_code = $1", conn);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = school.Code });
        var ex = Assert.ThrowsAsync<Npgsql.PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.That(ex!.SqlState, Is.EqualTo(Npgsql.PostgresErrorCodes.NotNullViolation));
    }
}
