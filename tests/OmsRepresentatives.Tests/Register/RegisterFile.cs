using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.OmsRepresentatives.Register;

namespace Platform.OmsRepresentatives.Tests.Register;

/// <summary>A person of a test register; the fields as the CSV carries them.</summary>
public sealed record Person(string Enp, string Name = "Иванов Иван Иванович", string Born = "1980-05-01", string Sex = "m", string Region = "77",
    string Clinic = "MO001", string Disability = "", string InDepth = "", string Checkup = "", string Dispanserization = "",
    string Phone = "+79161234567", string Channel = "sms");

/// <summary>Builds register files and sends them as an SMO's system does.</summary>
public static class RegisterFile
{
    public const string Header = "enp;full_name;birth_date;sex;region;clinic_code;disability_group;in_depth;last_checkup_on;last_dispanserization_on;phone;reminder_channel";

    /// <summary>An ЕНП of 16 digits from a small number, distinct per test by the prefix.</summary>
    public static string Enp(int n, int prefix = 77) => $"{prefix:D2}{n:D14}";

    public static string Csv(IEnumerable<Person> people, char delimiter = ';') =>
        string.Join('\n', new[] { Header.Replace(';', delimiter) }.Concat(people.Select(p => string.Join(delimiter,
            p.Enp, p.Name, p.Born, p.Sex, p.Region, p.Clinic, p.Disability, p.InDepth, p.Checkup, p.Dispanserization, p.Phone, p.Channel)))) + "\n";

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string csv) =>
        await client.PostAsync(path, new StringContent(csv, Encoding.UTF8, "text/csv"));

    /// <summary>Loads a register that must be taken.</summary>
    public static async Task<RegisterLoadResult> LoadAsync(HttpClient client, IEnumerable<Person> people, char delimiter = ';')
    {
        var response = await SendAsync(client, "/register", Csv(people, delimiter));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<RegisterLoadResult>())!;
    }

    /// <summary>The errors of a 400 validation problem, by field.</summary>
    public static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, body);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("urn:platform:problem:validation", problem.GetProperty("type").GetString());
        return problem.GetProperty("errors").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray());
    }

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
