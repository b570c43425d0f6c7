using System.Xml;
using System.Xml.Linq;

namespace EKIS.Reporting.Templates.Xml;

/// <summary>An input file that cannot be used at all (not XML, wrong root, too big, DTD…).</summary>
public sealed class XmlInputException(string message, int line = 0, Exception? inner = null) : Exception(message, inner)
{
    public int Line { get; } = line;
}

/// <summary>
/// The one place XML enters the system. Templates and reports come from outside (Rosstat's site,
/// schools' uploads), so DTDs are refused outright (no entity expansion, no external fetches) and
/// the size is capped before anything is parsed.
/// </summary>
public static class SafeXml
{
    /// <summary>The largest real Rosstat templates are a few megabytes; a school report is far smaller.</summary>
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    public static XDocument LoadFile(string path, string what, long maxBytes = DefaultMaxBytes)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new XmlInputException($"{what}: недопустимое имя файла «{path}».", 0, ex);
        }
        if (!info.Exists)
            throw new XmlInputException($"{what}: файл «{path}» не найден.");
        if (info.Length > maxBytes)
            throw TooLarge(what, info.Length, maxBytes);
        try
        {
            using var stream = info.OpenRead();
            return Load(stream, what, maxBytes);
        }
        catch (IOException ex)
        {
            throw new XmlInputException($"{what}: не удалось прочитать файл «{path}»: {ex.Message}", 0, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new XmlInputException($"{what}: нет доступа к файлу «{path}».", 0, ex);
        }
    }

    public static XDocument Load(Stream stream, string what, long maxBytes = DefaultMaxBytes)
    {
        if (stream.CanSeek && stream.Length - stream.Position > maxBytes)
            throw TooLarge(what, stream.Length - stream.Position, maxBytes);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            // Characters, not bytes, but for UTF-8 Cyrillic text it is the tighter bound anyway.
            MaxCharactersInDocument = maxBytes,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };
        var start = stream.CanSeek ? stream.Position : -1;
        XmlReader? reader = null;
        try
        {
            reader = XmlReader.Create(stream, settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            // The reader refuses a prohibited DTD without a position (line 0): find the declaration.
            var line = ex.LineNumber > 0 ? ex.LineNumber : DoctypeLine(stream, start);
            throw new XmlInputException(
                $"{what}: файл содержит объявление DTD (<!DOCTYPE>){(line > 0 ? $", строка {line}" : "")}. DTD и пользовательские сущности не допускаются.",
                line, ex);
        }
        catch (XmlException ex) when (ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new XmlInputException($"{what}: файл больше допустимого размера ({maxBytes / 1024 / 1024} МБ).", ex.LineNumber, ex);
        }
        catch (XmlException ex)
        {
            throw new XmlInputException(
                $"{what}: файл не является корректным XML (строка {ex.LineNumber}, позиция {ex.LinePosition}): {ex.Message}",
                ex.LineNumber, ex);
        }
        finally
        {
            reader?.Dispose();
        }
    }

    /// <summary>The line of <c>&lt;!DOCTYPE</c> in a seekable stream read from <paramref name="start"/>; 0 when unknown.</summary>
    private static int DoctypeLine(Stream stream, long start)
    {
        if (start < 0 || !stream.CanSeek)
            return 0;
        try
        {
            stream.Position = start;
            using var text = new StreamReader(stream, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
            var line = 1;
            while (text.ReadLine() is { } l)
            {
                if (l.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
                    return line;
                line++;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    internal static int LineOf(XObject node) => node is IXmlLineInfo li && li.HasLineInfo() ? li.LineNumber : 0;

    internal static string Attr(XElement e, string name) => (string?)e.Attribute(name) ?? "";

    internal static string? AttrOrNull(XElement e, string name) =>
        e.Attribute(name) is { } a && !string.IsNullOrWhiteSpace(a.Value) ? a.Value.Trim() : null;

    private static XmlInputException TooLarge(string what, long size, long max) =>
        new($"{what}: файл слишком большой ({size / 1024} КБ); допускается не более {max / 1024 / 1024} МБ.");
}
