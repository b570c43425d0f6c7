using System.Globalization;
using EKIS.Reporting.Features.Registry;
using EKIS.Reporting.Infrastructure.Actors;
using EKIS.Reporting.Infrastructure.Database;
using Npgsql;

namespace EKIS.Reporting.Tests.Registry;

/// <summary>Test data for the registry: a small region and organisation cards with valid, unique identifiers.</summary>
public static class RegistryTestData
{
    private static int _sequence = 1000;

    /// <summary>Region R with municipalities M1 («Северный») and M2 («Заречный»).</summary>
    public static async Task CreateRegionAsync(NpgsqlDataSource db)
    {
        await using var tx = await db.BeginAsAsync(Actor.Cli);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO ekis.org_unit (level, ekis_code, name) VALUES ('region', 'R', 'Регион');
            INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name)
            SELECT id, 'municipality', 'M1', 'Городской округ Северный', 'Северный' FROM ekis.org_unit WHERE ekis_code = 'R';
            INSERT INTO ekis.org_unit (parent_id, level, ekis_code, name, short_name)
            SELECT id, 'municipality', 'M2', 'Заречный муниципальный район', 'Заречный' FROM ekis.org_unit WHERE ekis_code = 'R';
            """, tx.Connection, tx.Transaction);
        await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    public static OrganisationBuilder AnOrganisation() => new();

    public static string ValidInn(int n)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"50{n:D7}");
        return body + Identifiers.Inn10Control(body).ToString(CultureInfo.InvariantCulture);
    }

    public static string ValidOgrn(int n)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"10250{n:D7}");
        return body + Identifiers.OgrnControl(body).ToString(CultureInfo.InvariantCulture);
    }

    public static string ValidOkpo(int n)
    {
        var body = string.Create(CultureInfo.InvariantCulture, $"{n:D7}");
        return body + Identifiers.OkpoControl(body).ToString(CultureInfo.InvariantCulture);
    }

    public sealed class OrganisationBuilder
    {
        private readonly Dictionary<string, string> _fields;

        public OrganisationBuilder()
        {
            var n = Interlocked.Increment(ref _sequence);
            _fields = new Dictionary<string, string>
            {
                ["ekis_code"] = n.ToString(CultureInfo.InvariantCulture),
                ["name"] = $"Муниципальное бюджетное общеобразовательное учреждение «Школа № {n}»",
                ["short_name"] = $"МБОУ Школа № {n}",
                ["kind"] = "general",
                ["municipality"] = "M1",
                ["inn"] = ValidInn(n),
                ["kpp"] = "500101001",
                ["ogrn"] = ValidOgrn(n),
                ["okpo"] = ValidOkpo(n),
            };
        }

        public string Code => _fields["ekis_code"];
        public string Inn => _fields["inn"];

        public OrganisationBuilder WithCode(string code) => With("ekis_code", code);
        public OrganisationBuilder InMunicipality(string code) => With("municipality", code);
        public OrganisationBuilder OpenedOn(string date) => With("opened_on", date);

        /// <summary>A branch of <paramref name="parent"/>: no ИНН/ОГРН of its own (inherited), its own КПП and ОКПО.</summary>
        public OrganisationBuilder BranchOf(OrganisationBuilder parent, string kpp = "500102001")
        {
            _fields.Remove("municipality");
            _fields.Remove("inn");
            _fields.Remove("ogrn");
            _fields["parent_ekis_code"] = parent.Code;
            _fields["kpp"] = kpp;
            return this;
        }

        public OrganisationBuilder With(string column, string value)
        {
            _fields[column] = value;
            return this;
        }

        public OrganisationBuilder Without(string column)
        {
            _fields.Remove(column);
            return this;
        }

        public IReadOnlyDictionary<string, string> Build() => new Dictionary<string, string>(_fields);

        public async Task<OrganisationBuilder> SaveAsync(NpgsqlDataSource db, DateOnly? effectiveOn = null)
        {
            var result = await new SaveOrganisation(db).SaveAsync(new SaveOrganisation.Command(Build(), effectiveOn), Actor.Cli);
            Assert.That(result.Problems, Is.Empty, () => string.Join("\n", result.Problems));
            return this;
        }

        public string ToCsvLine(IReadOnlyList<string> header) =>
            string.Join(';', header.Select(h => _fields.GetValueOrDefault(h, "")));
    }
}
