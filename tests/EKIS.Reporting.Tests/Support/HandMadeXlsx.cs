using System.Buffers.Binary;
using System.IO.Compression;
using System.Security;
using System.Text;

namespace EKIS.Reporting.Tests.Support;

/// <summary>
/// Minimal XLSX files written part by part, for what a spreadsheet program would never write: a cell
/// of hundreds of megabytes streamed into the archive (a zip bomb of a few hundred kilobytes) and
/// archives whose recorded sizes lie.
/// </summary>
public static class HandMadeXlsx
{
    public const string SheetPart = "xl/worksheets/sheet1.xml";
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/package/2006/relationships";
    private const string OfficeRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// <summary>A huge cell: <paramref name="Length"/> copies of one character at the given 1-based row and column.</summary>
    public sealed record HugeCell(int Row, int Column, long Length, char Fill = 'A');

    /// <summary>One sheet of inline strings; a row's cells fill columns A, B, … in order.</summary>
    public static byte[] Workbook(IReadOnlyList<string[]> rows, HugeCell? huge = null)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Text(zip, "[Content_Types].xml", $"""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/{SheetPart}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>
                """);
            Text(zip, "_rels/.rels", $"""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="{Relationships}"><Relationship Id="rId1" Type="{OfficeRelationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """);
            Text(zip, "xl/workbook.xml", $"""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="{Main}" xmlns:r="{OfficeRelationships}"><sheets><sheet name="Реестр" sheetId="1" r:id="rId1"/></sheets></workbook>
                """);
            Text(zip, "xl/_rels/workbook.xml.rels", $"""
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="{Relationships}"><Relationship Id="rId1" Type="{OfficeRelationships}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
                """);

            using var sheet = new StreamWriter(zip.CreateEntry(SheetPart, CompressionLevel.Optimal).Open(), new UTF8Encoding(false), 1 << 16);
            sheet.Write($"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><worksheet xmlns=\"{Main}\"><sheetData>");
            for (var r = 0; r < rows.Count; r++)
            {
                sheet.Write($"<row r=\"{r + 1}\">");
                for (var c = 0; c < rows[r].Length; c++)
                {
                    sheet.Write($"<c r=\"{Column(c + 1)}{r + 1}\" t=\"inlineStr\"><is><t>");
                    if (huge is not null && huge.Row == r + 1 && huge.Column == c + 1)
                    {
                        // Streamed in chunks: the test never holds the huge value in memory.
                        var chunk = new string(huge.Fill, 64 * 1024);
                        for (var left = huge.Length; left > 0; left -= chunk.Length)
                            sheet.Write(left >= chunk.Length ? chunk : chunk[..(int)left]);
                    }
                    else
                        sheet.Write(SecurityElement.Escape(rows[r][c]));
                    sheet.Write("</t></is></c>");
                }
                sheet.Write("</row>");
            }
            sheet.Write("</sheetData></worksheet>");
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The archive with <paramref name="entry"/>'s uncompressed size rewritten to <paramref name="declared"/>
    /// in both its local header and the central directory — the data itself is unchanged.
    /// </summary>
    public static byte[] WithDeclaredSize(byte[] zip, string entry, uint declared)
    {
        var bytes = (byte[])zip.Clone();
        var name = Encoding.UTF8.GetBytes(entry);
        var patched = 0;
        for (var i = 0; i + 46 <= bytes.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)) != 0x02014b50) continue; // central directory header
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i + 28));
            if (!bytes.AsSpan(i + 46, nameLength).SequenceEqual(name)) continue;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i + 24), declared);
            var local = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i + 42));
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(local)) != 0x04034b50)
                throw new InvalidOperationException("no local header where the central directory points");
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(local + 22), declared);
            patched++;
        }
        return patched == 1 ? bytes : throw new InvalidOperationException($"entry {entry} found {patched} times");
    }

    /// <summary>A plain zip of <paramref name="count"/> small text entries.</summary>
    public static byte[] ZipOf(int count, int entryBytes = 100)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            for (var i = 0; i < count; i++)
                Text(zip, $"part{i}.xml", new string('x', entryBytes));
        return buffer.ToArray();
    }

    private static void Text(ZipArchive zip, string name, string text)
    {
        using var s = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Optimal).Open(), new UTF8Encoding(false));
        s.Write(text);
    }

    private static string Column(int n)
    {
        var name = "";
        for (; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }
}
