using System.Globalization;
using EKIS.Reporting.Features.Registry;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>Issue 4: identifier check algorithms against known valid values and every kind of corruption.</summary>
public sealed class IdentifierTests
{
    // Published codes of large organisations (ПАО Сбербанк, ПАО Газпром, ООО Яндекс, МГУ): each
    // passes the algorithm, which is itself the best evidence that both are right.
    [TestCase("7707083893")]
    [TestCase("7736050003")]
    [TestCase("7736207543")]
    [TestCase("7729082090")]
    // Computed here by the algorithm.
    [TestCase("5001007329")]
    [TestCase("7729012342")]
    public void A_valid_organisation_inn_passes(string inn) =>
        Assert.That(Identifiers.CheckOrganisationInn(inn), Is.Null);

    [TestCase("7707083894", "должна быть 3, указана 4")]
    [TestCase("770708389", "из 10 цифр, указано цифр: 9")]
    [TestCase("77070838931", "из 10 цифр, указано цифр: 11")]
    [TestCase("77070838a3", "недопустимый символ «a»")]
    [TestCase("7707 83893", "пробел")]
    [TestCase("", "не указан")]
    [TestCase("500123456750", "12-значный ИНН физического лица")]
    [TestCase("0007083893", "не может начинаться с 00")]
    public void A_broken_organisation_inn_is_refused_with_a_message_that_says_why(string inn, string fragment) =>
        Assert.That(Identifiers.CheckOrganisationInn(inn), Does.Contain(fragment));

    [Test]
    public void Every_single_digit_typo_in_an_organisation_inn_is_caught_in_its_control_digit()
    {
        const string valid = "7707083893";
        for (var d = 0; d <= 9; d++)
        {
            var corrupted = valid[..9] + d.ToString(CultureInfo.InvariantCulture);
            if (corrupted == valid) continue;
            Assert.That(Identifiers.CheckOrganisationInn(corrupted), Does.StartWith("Неверное контрольное число ИНН"), corrupted);
        }
    }

    [Test]
    public void Control_digits_computed_for_random_bodies_always_validate()
    {
        var random = new Random(4);
        for (var n = 0; n < 2000; n++)
        {
            var inn10 = RandomDigits(random, 9, firstNonZero: true);
            inn10 += Identifiers.Inn10Control(inn10).ToString(CultureInfo.InvariantCulture);
            var body12 = RandomDigits(random, 10, firstNonZero: true);
            var (c1, c2) = Identifiers.Inn12Controls(body12);
            var inn12 = string.Create(CultureInfo.InvariantCulture, $"{body12}{c1}{c2}");
            var ogrn = "1" + RandomDigits(random, 11, firstNonZero: false);
            ogrn += Identifiers.OgrnControl(ogrn).ToString(CultureInfo.InvariantCulture);
            var okpo = RandomDigits(random, 7, firstNonZero: false);
            okpo += Identifiers.OkpoControl(okpo).ToString(CultureInfo.InvariantCulture);
            Assert.Multiple(() =>
            {
                Assert.That(Identifiers.CheckOrganisationInn(inn10), Is.Null, inn10);
                Assert.That(Identifiers.CheckPersonInn(inn12), Is.Null, inn12);
                Assert.That(Identifiers.CheckOgrn(ogrn), Is.Null, ogrn);
                Assert.That(Identifiers.CheckOkpo(okpo), Is.Null, okpo);
            });
        }
    }

    [TestCase("500123456750")]
    [TestCase("771234567859")]
    public void A_valid_person_inn_passes(string inn) =>
        Assert.That(Identifiers.CheckPersonInn(inn), Is.Null);

    [TestCase("500123456760", "первое контрольное число")]
    [TestCase("500123456751", "второе контрольное число")]
    [TestCase("50012345675", "из 12 цифр, указано цифр: 11")]
    [TestCase("5001234567-0", "недопустимый символ «-»")]
    public void A_broken_person_inn_is_refused_with_a_message_that_says_why(string inn, string fragment) =>
        Assert.That(Identifiers.CheckPersonInn(inn), Does.Contain(fragment));

    [TestCase("1027700132195")]
    [TestCase("1027700070518")]
    [TestCase("1027700229193")]
    [TestCase("1037700258694")]
    [TestCase("1025000000013")]
    [TestCase("1165000001231")]
    public void A_valid_ogrn_passes(string ogrn) =>
        Assert.That(Identifiers.CheckOgrn(ogrn), Is.Null);

    [TestCase("1027700132196", "должна быть 5, указана 6")]
    [TestCase("102770013219", "из 13 цифр, указано цифр: 12")]
    [TestCase("304500116000157", "ОГРНИП")]
    [TestCase("3027700132195", "начинается с 1 или 5")]
    [TestCase("10277OO132195", "недопустимый символ «O»")]
    public void A_broken_ogrn_is_refused_with_a_message_that_says_why(string ogrn, string fragment) =>
        Assert.That(Identifiers.CheckOgrn(ogrn), Does.Contain(fragment));

    // 00032537 and 00040778: Сбербанк and Газпром; the rest computed by the algorithm, covering the
    // first pass, the second pass (weights from 3) and the case where both passes give 10 (→ 0).
    [TestCase("00032537")]
    [TestCase("00040778")]
    [TestCase("34167214")]
    [TestCase("43652301")]
    [TestCase("47379120")]
    [TestCase("1068403888")]
    [TestCase("4432445193")]
    [TestCase("2814684540")]
    [TestCase("00032537123456")]
    public void A_valid_okpo_passes(string okpo) =>
        Assert.That(Identifiers.CheckOkpo(okpo), Is.Null);

    [TestCase("00032538", "должна быть 7, указана 8")]
    [TestCase("43652302", "должна быть 1, указана 2")]
    [TestCase("47379121", "должна быть 0, указана 1")]
    [TestCase("2814684541", "должна быть 0, указана 1")]
    [TestCase("0003253", "указано цифр: 7")]
    [TestCase("000325371", "указано цифр: 9")]
    [TestCase("00032538123456", "обособленного подразделения")]
    [TestCase("0003253X", "недопустимый символ «X»")]
    public void A_broken_okpo_is_refused_with_a_message_that_says_why(string okpo, string fragment) =>
        Assert.That(Identifiers.CheckOkpo(okpo), Does.Contain(fragment));

    [TestCase("773601001")]
    [TestCase("7736AB001")]
    [TestCase("50010Z001")]
    public void A_valid_kpp_passes(string kpp) =>
        Assert.That(Identifiers.CheckKpp(kpp), Is.Null);

    [TestCase("77360100", "из 9 символов, указано символов: 8")]
    [TestCase("7736ab001", "заглавные латинские")]
    [TestCase("7736АБ001", "русская буква «А»")]
    [TestCase("A73601001", "1-й знак КПП")]
    [TestCase("77360100Z", "9-й знак КПП")]
    [TestCase("7736-1001", "5-й знак КПП")]
    public void A_broken_kpp_is_refused_with_a_message_that_says_why(string kpp, string fragment) =>
        Assert.That(Identifiers.CheckKpp(kpp), Does.Contain(fragment));

    [TestCase("45378000", true)]
    [TestCase("45378000001", true)]
    [TestCase("4537800", false)]
    [TestCase("453780000", false)]
    [TestCase("4537800a", false)]
    public void Oktmo_has_8_or_11_digits(string oktmo, bool valid) =>
        Assert.That(Identifiers.CheckOktmo(oktmo) is null, Is.EqualTo(valid));

    [TestCase("14", true)]
    [TestCase("1", false)]
    [TestCase("1a", false)]
    public void Okfs_has_2_digits(string okfs, bool valid) =>
        Assert.That(Identifiers.CheckOkfs(okfs) is null, Is.EqualTo(valid));

    [TestCase("75403", true)]
    [TestCase("7540", false)]
    public void Okopf_has_5_digits(string okopf, bool valid) =>
        Assert.That(Identifiers.CheckOkopf(okopf) is null, Is.EqualTo(valid));

    private static string RandomDigits(Random random, int length, bool firstNonZero)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
            chars[i] = (char)('0' + (i == 0 && firstNonZero ? random.Next(1, 10) : random.Next(0, 10)));
        return new string(chars);
    }
}
