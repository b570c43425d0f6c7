using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace EKIS.Reporting.Infrastructure.Files;

/// <summary>An uploaded zip that may not be unpacked; the message is Russian and says why.</summary>
public sealed class UnsafeZipException(string message) : Exception(message);

/// <summary>
/// The one place an uploaded zip (an XLSX workbook, and any zip upload to come) is opened. A zip of a
/// few hundred kilobytes can unpack to gigabytes, so before anything reads a part this checks the
/// number of parts, each part's recorded unpacked size, their total and the compression ratio; then
/// it unpacks every part once from the archive's own bytes, counting the real bytes, because recorded
/// sizes can lie — a part that unpacks to more than it claims, or past a limit, stops the count at
/// once. Only then is the archive handed to a reader (the Open XML SDK): its bytes are an immutable
/// buffer, and the reader's view of the parts is compared with the one counted here, so it reads
/// exactly what was counted. Limits: <see cref="ZipLimits"/>.
/// </summary>
public static class SafeZip
{
    /// <summary>Small parts may pack better than the ratio allows (a styles part, an empty sheet) and cannot hurt.</summary>
    private const long RatioGrace = 1024 * 1024;

    /// <summary>
    /// A read-only stream over <paramref name="zip"/> once the archive has passed every check.
    /// Throws <see cref="UnsafeZipException"/> when it may not be unpacked, and
    /// <see cref="InvalidDataException"/> when it is not a readable zip at all.
    /// </summary>
    /// <param name="what">What the file is, as the message names it («Книга Excel»).</param>
    public static Stream OpenChecked(byte[] zip, ZipLimits limits, string what)
    {
        Check(zip, limits, what);
        return new MemoryStream(zip, writable: false);
    }

    public static void Check(byte[] zip, ZipLimits limits, string what)
    {
        // The central directory is read here, not by ZipArchive: opening an archive reads every record
        // into objects (a 20 MB directory of empty parts is half a million of them), and the parts'
        // data must be reached directly to count what they really unpack to.
        var end = EndRecord(zip) ?? throw new InvalidDataException("no end of central directory record");
        if (end.Count > limits.MaxEntries)
            throw Refuse(what, $"частей в архиве {end.Count}, допускается не более {limits.MaxEntries}");
        var entries = CentralDirectory(zip, end, what);

        // What the archive says about itself, before a single byte is unpacked.
        long declaredTotal = 0;
        foreach (var e in entries)
        {
            if (e.Length > limits.MaxEntryBytes)
                throw Refuse(what, $"часть «{e.Name}» после распаковки заняла бы {Megabytes(e.Length)} МБ, допускается не более {Megabytes(limits.MaxEntryBytes)} МБ");
            declaredTotal += e.Length;
            if (declaredTotal > limits.MaxTotalBytes)
                throw Refuse(what, $"после распаковки архив занял бы более {Megabytes(limits.MaxTotalBytes)} МБ — больше, чем допускается");
            if (e.Length > RatioGrace && TooCompressed(e.Length, e.CompressedLength, limits))
                throw RatioRefusal(what, e.Name, e.Length, e.CompressedLength, limits);
        }

        // What it really unpacks to: counted, never kept, and stopped at the first byte past what the
        // part claims (the runtime's own reader would silently cut the part there) or past a limit.
        var buffer = new byte[81920];
        long total = 0;
        foreach (var e in entries)
        {
            using var part = RawPart(zip, e, what);
            long read = 0;
            int n;
            try
            {
                while ((n = part.Read(buffer, 0, buffer.Length)) > 0)
                {
                    read += n;
                    total += n;
                    if (read > e.Length)
                        throw Refuse(what, $"часть «{e.Name}» при распаковке оказалась больше размера, записанного в архиве: архив повреждён или подделан");
                    if (total > limits.MaxTotalBytes)
                        throw Refuse(what, $"после распаковки архив занял бы более {Megabytes(limits.MaxTotalBytes)} МБ — больше, чем допускается");
                    if (read > RatioGrace && TooCompressed(read, e.CompressedLength, limits))
                        throw RatioRefusal(what, e.Name, read, e.CompressedLength, limits);
                }
            }
            catch (InvalidDataException)
            {
                throw new InvalidDataException($"the data of part {e.Name} is not valid deflate data");
            }
            if (read != e.Length)
                throw Refuse(what, $"часть «{e.Name}» при распаковке оказалась меньше размера, записанного в архиве: архив повреждён или подделан");
        }

        // The reader that comes next (ZipArchive under the Open XML SDK) must see the same parts.
        using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
        var same = archive.Entries.Count == entries.Count && archive.Entries.Select((a, i) =>
            a.FullName == entries[i].Name && a.Length == entries[i].Length && a.CompressedLength == entries[i].CompressedLength).All(x => x);
        if (!same)
            throw Refuse(what, "оглавление архива противоречит само себе: архив повреждён или подделан");
    }

    private sealed record EndOfDirectory(int Count, long Size, long Offset);

    private sealed record Entry(string Name, ushort Flags, ushort Method, long CompressedLength, long Length, long LocalHeader);

    /// <summary>The end-of-central-directory record, searched from the end (it may carry a comment of up to 64 KB).</summary>
    private static EndOfDirectory? EndRecord(byte[] zip)
    {
        const int recordLength = 22;
        var lowest = Math.Max(0, zip.Length - recordLength - ushort.MaxValue);
        for (var i = zip.Length - recordLength; i >= lowest; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i)) != 0x06054b50) continue;
            return new EndOfDirectory(
                BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(i + 10)), // 0xFFFF marks Zip64: counted as that many
                BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i + 12)),
                BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i + 16)));
        }
        return null;
    }

    private static List<Entry> CentralDirectory(byte[] zip, EndOfDirectory end, string what)
    {
        // Zip64 (sizes or offsets past 4 GB) is never needed by a file that passes the upload limit.
        if (end.Offset == uint.MaxValue || end.Size == uint.MaxValue)
            throw Refuse(what, "архив в формате Zip64 не поддерживается");
        if (end.Offset + end.Size > zip.Length)
            throw new InvalidDataException("the central directory lies outside the file");
        var entries = new List<Entry>(end.Count);
        var at = (int)end.Offset;
        for (var k = 0; k < end.Count; k++)
        {
            if (at + 46 > zip.Length || BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(at)) != 0x02014b50)
                throw new InvalidDataException("a central directory record is missing");
            var span = zip.AsSpan(at);
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(span[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(span[32..]);
            if (at + 46 + nameLength > zip.Length)
                throw new InvalidDataException("a central directory record runs past the file");
            var compressed = BinaryPrimitives.ReadUInt32LittleEndian(span[20..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(span[24..]);
            var local = BinaryPrimitives.ReadUInt32LittleEndian(span[42..]);
            if (compressed == uint.MaxValue || length == uint.MaxValue || local == uint.MaxValue)
                throw Refuse(what, "архив в формате Zip64 не поддерживается");
            entries.Add(new Entry(
                System.Text.Encoding.UTF8.GetString(span.Slice(46, nameLength)),
                BinaryPrimitives.ReadUInt16LittleEndian(span[8..]),
                BinaryPrimitives.ReadUInt16LittleEndian(span[10..]),
                compressed, length, local));
            at += 46 + nameLength + extraLength + commentLength;
        }
        return entries;
    }

    /// <summary>A part's data as it unpacks, read straight from the archive's bytes.</summary>
    private static Stream RawPart(byte[] zip, Entry e, string what)
    {
        if ((e.Flags & 1) != 0)
            throw Refuse(what, $"часть «{e.Name}» зашифрована");
        var local = (int)e.LocalHeader;
        if (local + 30 > zip.Length || BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(local)) != 0x04034b50)
            throw new InvalidDataException($"no local header for part {e.Name}");
        var data = local + 30L + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(local + 28));
        if (data + e.CompressedLength > zip.Length)
            throw new InvalidDataException($"the data of part {e.Name} runs past the file");
        var packed = new MemoryStream(zip, (int)data, (int)e.CompressedLength, writable: false);
        return e.Method switch
        {
            0 => packed,
            8 => new DeflateStream(packed, CompressionMode.Decompress),
            _ => throw Refuse(what, $"часть «{e.Name}» сжата методом {e.Method}, который не поддерживается (допускается только Deflate)"),
        };
    }

    private static bool TooCompressed(long unpacked, long packed, ZipLimits limits) =>
        unpacked > limits.MaxCompressionRatio * Math.Max(1, packed);

    private static UnsafeZipException RatioRefusal(string what, string name, long unpacked, long packed, ZipLimits limits) =>
        Refuse(what, $"часть «{name}» сжата в {unpacked / Math.Max(1, packed)} раз (допускается не более {limits.MaxCompressionRatio}); " +
            "так устроены «zip-бомбы», которые при распаковке занимают всю память сервера");

    private static UnsafeZipException Refuse(string what, string reason) => new($"{what}: файл не загружен — {reason}.");

    private static string Megabytes(long bytes) => Math.Ceiling(bytes / (1024.0 * 1024.0)).ToString("N0", CultureInfo.GetCultureInfo("ru-RU"));
}
