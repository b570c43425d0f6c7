using EKIS.Reporting.Templates.Checking;
using EKIS.Reporting.Templates.Model;
using EKIS.Reporting.Templates.Xml;
using static EKIS.Reporting.Tests.Templates.TemplateTestKit;

namespace EKIS.Reporting.Tests.Templates;

/// <summary>
/// The controls issue 12 names as wrong in substance, in the full ОО-1: a class-set unites two or
/// more classes, and a certificate with distinction is one of the certificates (so it is not summed
/// again into the graduates' total).
/// </summary>
public class FullFormControlTests
{
    private static FormTemplate Oo1() => TemplateXml.LoadFile(RepoPath("templates", "forms", "oo-1-2026.xml"));

    private static Report Sample() => ReportXml.LoadFile(RepoPath("templates", "forms", "samples", "oo-1-2026.report.xml"));

    private static string IdOf(FormTemplate t, string nameFragment) =>
        t.Controls.Single(c => c.Definition.Name.Contains(nameFragment, StringComparison.Ordinal)).Id;

    [Test]
    public void A_class_set_of_a_single_class_fails_the_full_ОО_1()
    {
        // Grades 1–4 of the sample: 10 classes not combined and one class-set of 2 classes. Make the
        // class-set hold one class (and that class one more not combined): every total still agrees.
        var t = Oo1();
        var r = ShippedTemplateTests.Mutate(Sample(),
            "2.1.2:02:4=11", "2.1.2:02:6=1", "2.1.2:02:3=12", "2.1.2:01:4=25", "2.1.2:01:6=1", "2.1.2:01:3=26");
        Assert.That(FailingControls(ReportChecker.Check(t, r)), Is.EqualTo(new[] { IdOf(t, "класс-комплект объединяет два класса и более") }));
    }

    [Test]
    public void A_class_set_of_two_classes_passes_the_full_ОО_1()
    {
        var result = ReportChecker.Check(Oo1(), Sample());
        Assert.That(result.Errors, Is.Empty);
        Assert.That(Sample().Sections.Single(s => s.Code == "2.1.2").Rows.Single(x => x.Code == "02").Cells.Single(c => c.Column == "6").Value, Is.EqualTo("2"));
    }

    [Test]
    public void Graduates_with_distinction_are_counted_inside_the_certificates_of_the_full_ОО_1()
    {
        // The sample: 79 graduates = 77 certificates (row 02, 7 of them with distinction, row 03) + 1 + 1.
        // The excerpt's «стр. 01 = сумме стр. 02–05» demanded the distinctions be counted twice (82, 57 in гр. 4).
        var t = Oo1();
        Assert.That(FailingControls(ReportChecker.Check(t, Sample())), Is.Empty);
        var twice = ShippedTemplateTests.Mutate(Sample(), "2.4:01:4=57", "2.4:01:3=82");
        Assert.That(FailingControls(ReportChecker.Check(t, twice)), Is.EqualTo(new[] { IdOf(t, "стр. 01 = сумме стр. 02, 04, 05") }));
    }

    [Test]
    public void More_certificates_with_distinction_than_certificates_fails_the_full_ОО_1()
    {
        var t = Oo1();
        var r = ShippedTemplateTests.Mutate(Sample(), "2.4:03:4=53", "2.4:03:3=57");
        Assert.That(FailingControls(ReportChecker.Check(t, r)), Is.EqualTo(new[] { IdOf(t, "стр. 03 (аттестат с отличием) <= стр. 02") }));
    }
}
