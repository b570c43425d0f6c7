using System.Text;
using System.Xml;
using System.Xml.Linq;
using EKIS.Reporting.Templates.Model;
using static EKIS.Reporting.Templates.Xml.SafeXml;

namespace EKIS.Reporting.Templates.Xml;

/// <summary>Reads and writes Rosstat <c>report</c> XML. Writing then reading gives the same report.</summary>
public static class ReportXml
{
    private const string What = "Отчёт";

    public static Report LoadFile(string path) => Parse(SafeXml.LoadFile(path, What));

    public static Report Load(Stream stream) => Parse(SafeXml.Load(stream, What));

    public static Report LoadString(string xml)
    {
        using var s = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        return Load(s);
    }

    public static Report Parse(XDocument doc)
    {
        var root = doc.Root ?? throw new XmlInputException($"{What}: пустой документ.");
        if (root.Name.LocalName != "report")
            throw new XmlInputException(
                $"{What}: корневой элемент должен быть <report>, а найден <{root.Name.LocalName}> (строка {LineOf(root)}).", LineOf(root));
        var header = new ReportHeader(
            Attr(root, "code").Trim(), Attr(root, "form").Trim(), Attr(root, "shifr").Trim(), Attr(root, "version").Trim(),
            Attr(root, "format-version").Trim(), Attr(root, "year").Trim(), Attr(root, "period").Trim());
        var title = root.Elements("title").Elements("item")
            .Select(i => new ReportTitleItem(Attr(i, "name").Trim(), Attr(i, "value").Trim(), LineOf(i)))
            .ToArray();
        var sections = root.Elements("sections").Elements("section").Select(s => new ReportSection(
            Attr(s, "code").Trim(),
            s.Elements("row").Select(r => new ReportRow(
                Attr(r, "code").Trim(),
                r.Elements("col").Select(c => new ReportCell(Attr(c, "code").Trim(), c.Value.Trim(), LineOf(c))).ToArray(),
                AttrOrNull(r, "s1"), AttrOrNull(r, "s2"), AttrOrNull(r, "s3"), LineOf(r))).ToArray(),
            LineOf(s))).ToArray();
        return new Report(header, title, sections) { Line = LineOf(root) };
    }

    /// <summary>
    /// UTF-8 without BOM, codes spelled as the template spells them (when one is given), empty
    /// cells omitted. Values are written as they are held — the model keeps invariant text.
    /// </summary>
    public static void Write(Report report, Stream output, FormTemplate? template = null)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            CloseOutput = false,
        };
        using var w = XmlWriter.Create(output, settings);
        var h = report.Header;
        w.WriteStartDocument();
        w.WriteStartElement("report");
        w.WriteAttributeString("code", h.Code);
        w.WriteAttributeString("form", h.Form);
        w.WriteAttributeString("shifr", h.Shifr);
        w.WriteAttributeString("version", h.Version);
        w.WriteAttributeString("format-version", h.FormatVersion);
        w.WriteAttributeString("year", h.Year);
        w.WriteAttributeString("period", h.Period);
        w.WriteStartElement("title");
        foreach (var item in report.Title)
        {
            w.WriteStartElement("item");
            w.WriteAttributeString("name", item.Name);
            w.WriteAttributeString("value", item.Value);
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteStartElement("sections");
        foreach (var section in report.Sections)
        {
            var ts = template is null ? null : template.SectionIndex(section.Code) is var si and >= 0 ? template.Sections[si] : null;
            w.WriteStartElement("section");
            w.WriteAttributeString("code", ts?.Code ?? section.Code);
            foreach (var row in section.Rows)
            {
                w.WriteStartElement("row");
                w.WriteAttributeString("code", ts is not null && ts.RowIndex(row.Code) is var ri and >= 0 ? ts.Rows[ri].Code : row.Code);
                if (row.S1 is not null) w.WriteAttributeString("s1", row.S1);
                if (row.S2 is not null) w.WriteAttributeString("s2", row.S2);
                if (row.S3 is not null) w.WriteAttributeString("s3", row.S3);
                foreach (var cell in row.Cells)
                {
                    if (string.IsNullOrWhiteSpace(cell.Value))
                        continue;
                    w.WriteStartElement("col");
                    w.WriteAttributeString("code", ts is not null && ts.ColumnIndex(cell.Column) is var ci and >= 0 ? ts.Columns[ci].Code : cell.Column);
                    w.WriteString(cell.Value);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndDocument();
    }

    public static string WriteString(Report report, FormTemplate? template = null)
    {
        using var ms = new MemoryStream();
        Write(report, ms, template);
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
